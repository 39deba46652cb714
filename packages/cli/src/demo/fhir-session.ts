// The demo loader's FHIR client: JSON over fetch to one base URL, each request as one actor (a bearer
// token per actor, asked once), every answer that is not 2xx turned into an error that says what was
// asked, as whom, and what the server answered (the OperationOutcome's diagnostics and where).
import type { Actor } from '@carenet/access';

/** A FHIR resource as answered (`id` and `meta.versionId` are the server's). */
export type FhirResource = {
  readonly resourceType: string;
  readonly id: string;
  readonly meta?: { readonly versionId?: string };
} & Readonly<Record<string, unknown>>;

export interface FhirAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The gateway could not be reached at all (refused, reset, DNS, timeout). */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super(`cannot reach the gateway at ${baseUrl}: ${reasonOf(cause)}`, { cause });
    this.name = 'GatewayUnreachableError';
  }
}

/** The gateway answered a request with an error status. */
export class GatewayRefusedError extends Error {
  constructor(
    readonly request: string,
    readonly status: number,
    readonly diagnostics: string,
  ) {
    super(`${request} answered ${status}: ${diagnostics}`);
    this.name = 'GatewayRefusedError';
  }
}

/** An error's message, by shape (errors of another realm, e.g. a test VM, fail `instanceof Error`). */
const messageOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string'
    ? (value as { message: string }).message
    : undefined;

function reasonOf(error: unknown): string {
  // fetch says "fetch failed"; the socket's error (ECONNREFUSED 127.0.0.1:8080) is its cause, or
  // the first of the cause's `errors` when several addresses were tried (localhost: ::1, 127.0.0.1).
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const nested = (cause as { errors?: unknown } | undefined)?.errors;
  const first = Array.isArray(nested) ? messageOf(nested[0]) : undefined;
  return first ?? messageOf(cause) ?? messageOf(error) ?? String(error);
}

interface OutcomeIssue {
  readonly severity?: string;
  readonly code?: string;
  readonly diagnostics?: string;
  readonly details?: { readonly text?: string };
  readonly expression?: readonly string[];
}

/** What an error answer says: the OperationOutcome's issues in one line, else the body's start. */
export function diagnosticsOf(status: number, body: unknown, text: string): string {
  const outcome = body as { resourceType?: unknown; issue?: unknown } | undefined;
  if (outcome?.resourceType === 'OperationOutcome' && Array.isArray(outcome.issue)) {
    const issues = (outcome.issue as OutcomeIssue[]).map((issue) => {
      const said = issue.diagnostics ?? issue.details?.text ?? issue.code ?? 'no diagnostics';
      const where = issue.expression?.length ? ` (at ${issue.expression.join(', ')})` : '';
      return `${said}${where}`;
    });
    if (issues.length > 0) return issues.join('; ');
  }
  const start = text.trim().slice(0, 300);
  return start === '' ? `HTTP ${status} without a body` : start;
}

/** Who an actor is, in an error message. */
export function describeActor(actor: Actor): string {
  switch (actor.kind) {
    case 'professional':
      return actor.name ?? `${actor.identifier.system}|${actor.identifier.value}`;
    case 'system':
      return `system ${actor.clientId}`;
    case 'patient':
      return 'the patient';
  }
}

/** Gives the bearer token of an actor (the dev issuer's, or any issuer the gateway trusts). */
export type TokenSource = (actor: Actor) => Promise<string>;

export interface FhirRequest {
  readonly body?: unknown;
  /** `application/fhir+json` by default; JSON Patch for PATCH. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses answered without an error besides 2xx (412 when the caller retries). */
  readonly accept?: readonly number[];
}

/** A FHIR base URL, called as one actor or another. */
export class FhirSession {
  private readonly tokens = new Map<string, Promise<string>>();
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly tokenSource: TokenSource,
    private readonly timeoutMs = 30_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** The actor's token, asked once. */
  token(actor: Actor): Promise<string> {
    const key = JSON.stringify(actor);
    let token = this.tokens.get(key);
    if (token === undefined) {
      token = this.tokenSource(actor);
      this.tokens.set(key, token);
    }
    return token;
  }

  /** A request without a token (`metadata`, the SMART configuration). */
  async open(path: string): Promise<FhirAnswer> {
    return this.send('GET', path, undefined, {}, `GET ${path}`);
  }

  /** A request as `actor`; a status other than 2xx (and `accept`) throws GatewayRefusedError. */
  async as(actor: Actor, method: string, path: string, request: FhirRequest = {}): Promise<FhirAnswer> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.token(actor)}`,
      ...request.headers,
    };
    if (request.body !== undefined) {
      headers['content-type'] =
        request.contentType ?? (method === 'PATCH' ? 'application/json-patch+json' : 'application/fhir+json');
    }
    const what = `${method} ${path.split('?')[0] ?? path} as ${describeActor(actor)}`;
    const answer = await this.send(method, path, request.body, headers, what);
    if ((answer.status >= 200 && answer.status < 300) || request.accept?.includes(answer.status)) {
      return answer;
    }
    throw new GatewayRefusedError(
      what,
      answer.status,
      diagnosticsOf(answer.status, answer.body, JSON.stringify(answer.body)),
    );
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    what: string,
  ): Promise<FhirAnswer> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/${path}`, {
        method,
        headers: { accept: 'application/fhir+json', ...headers },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GatewayUnreachableError(this.baseUrl, error);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new GatewayRefusedError(what, response.status, diagnosticsOf(response.status, undefined, text));
    }
    return { status: response.status, body: (parsed ?? {}) as Readonly<Record<string, unknown>> };
  }
}

/** The resources of a searchset Bundle. */
export function entriesOf(bundle: Readonly<Record<string, unknown>>): FhirResource[] {
  const entries = (bundle.entry ?? []) as readonly { readonly resource?: FhirResource }[];
  return entries.flatMap((entry) => (entry.resource === undefined ? [] : [entry.resource]));
}
