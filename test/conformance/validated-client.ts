// What the conformance report (`pnpm conformance`) and the conformance tier (jest project
// `conformance`) share: the gateway process and the official HL7 FHIR R4 validator started side by
// side, and a client that sends a request, validates its response body and records a row.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  repositoryRoot,
  startGatewayProcess,
  startHl7Validator,
  type Hl7ValidationError,
  type Hl7Validator,
  type RunningGateway,
} from '@carenet/testing';

/** One request and what the validator said of its response body. */
export interface Row {
  /** The request group (a test file's describe block, or the report's section). */
  readonly group: string;
  readonly request: string;
  readonly status: number;
  readonly errors: readonly Hl7ValidationError[];
  readonly warnings: number;
  readonly warningMessages: readonly Hl7ValidationError[];
  /** For an error status: the first issue's diagnostics of the OperationOutcome. */
  readonly note?: string;
  /** Why the body was not validated (empty, not JSON, not a FHIR resource). */
  readonly skipped?: string;
}

/** A request: `path` under `/fhir/`, or from the server root when it starts with `/`. */
export interface ConformanceRequest {
  /** A bearer token; none for the unauthenticated endpoints. */
  readonly bearer?: string;
  readonly method: string;
  readonly path: string;
  /** JSON: a JSON Patch when an array (application/json-patch+json), FHIR JSON otherwise. */
  readonly body?: unknown;
  /** The row's name; `METHOD path` by default. */
  readonly label?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ConformanceResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; `undefined` when empty or not JSON. */
  readonly body: Record<string, unknown> | undefined;
}

/**
 * Sends requests to a gateway, validates every response body, records one row per request, in the
 * order sent. The validation of a body runs while the next requests go (the validator answers in
 * order): `settled()` before reading `rows`.
 */
export class ValidatedClient {
  readonly rows: Row[] = [];
  private readonly pending: Promise<void>[] = [];
  private readonly failures: unknown[] = [];

  constructor(
    private readonly gateway: RunningGateway,
    private readonly validator: Hl7Validator,
  ) {}

  /** Sends one request, records a row under `group`, and has its body validated (see `settled`). */
  async send(group: string, request: ConformanceRequest): Promise<ConformanceResponse> {
    const { bearer, method, path, body } = request;
    const url = path.startsWith('/') ? `${this.gateway.base}${path}` : `${this.gateway.base}/fhir/${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/fhir+json',
        ...(bearer !== undefined && { authorization: `Bearer ${bearer}` }),
        ...(body !== undefined && {
          'content-type': Array.isArray(body) ? 'application/json-patch+json' : 'application/fhir+json',
        }),
        ...request.headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const name = request.label ?? `${method} ${path}`;
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = undefined;
    }
    const answer = { status: response.status, headers: response.headers, body: parsed };
    const row = {
      group,
      request: name,
      status: response.status,
      errors: [],
      warnings: 0,
      warningMessages: [],
    };
    const skipped =
      parsed === undefined
        ? text === ''
          ? 'empty body'
          : 'not JSON'
        : typeof parsed.resourceType === 'string'
          ? undefined
          : 'not a FHIR resource';
    if (parsed === undefined || skipped !== undefined) {
      this.rows.push({ ...row, ...(skipped !== undefined && { skipped }) });
      return answer;
    }
    const index = this.rows.push(row) - 1;
    const document = parsed;
    this.pending.push(
      this.validator.validate(document).then(
        (result) => {
          this.rows[index] = { ...row, ...result, ...diagnostics(response.status, document) };
        },
        (error: unknown) => {
          this.failures.push(error);
        },
      ),
    );
    return answer;
  }

  /** Resolves once every body sent so far is validated (its row complete); throws if the validator failed. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failures.length > 0) throw this.failures[0];
  }

  /** The report's shorthand: a FHIR request with a bearer token, recorded without a group. */
  async call(
    bearer: string,
    method: string,
    path: string,
    body?: unknown,
    label?: string,
  ): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
    const { status, body: answer } = await this.send('', {
      bearer,
      method,
      path,
      ...(body !== undefined && { body }),
      ...(label !== undefined && { label }),
    });
    return { status, body: answer };
  }
}

/** The first issue's diagnostics of an error OperationOutcome, for the table. */
function diagnostics(status: number, body: Record<string, unknown>): { note?: string } {
  if (status < 400 || body.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue)) return {};
  const issue = body.issue[0] as { diagnostics?: unknown; details?: { text?: unknown } } | undefined;
  const text = issue?.diagnostics ?? issue?.details?.text;
  return typeof text === 'string' ? { note: text.length > 110 ? `${text.slice(0, 109)}…` : text } : {};
}

/** The validator and the gateway, started side by side (the validator's JVM takes tens of seconds). */
export interface ConformanceServers {
  readonly validator: Hl7Validator;
  readonly gateway: RunningGateway;
  stop(): Promise<void>;
}

/**
 * Starts the HL7 validator and the gateway as a process (embedded mode, PGlite in a fresh temp
 * data dir); `whenGatewayUp` runs as soon as the gateway is healthy, while the validator may still
 * be loading (e.g. to sign tokens). When anything fails, stops what started and throws.
 */
export async function startConformanceServers({
  env,
  log = () => undefined,
  whenGatewayUp = () => undefined,
}: {
  env?: Record<string, string>;
  log?: (line: string) => void;
  whenGatewayUp?: (gateway: RunningGateway) => void | Promise<void>;
} = {}): Promise<ConformanceServers> {
  const startGateway = async (): Promise<RunningGateway> => {
    const gateway = await startGatewayProcess({
      dataDirPrefix: 'carenet-conformance-',
      healthyWithinMs: 120_000,
      ...(env !== undefined && { env }),
    });
    try {
      await whenGatewayUp(gateway);
    } catch (error) {
      await gateway.stop();
      throw error;
    }
    return gateway;
  };
  const [validatorStarted, gatewayStarted] = await Promise.allSettled([
    startHl7Validator({ log }),
    startGateway(),
  ]);
  if (validatorStarted.status === 'rejected' || gatewayStarted.status === 'rejected') {
    if (validatorStarted.status === 'fulfilled') await validatorStarted.value.stop();
    if (gatewayStarted.status === 'fulfilled') await gatewayStarted.value.stop();
    throw validatorStarted.status === 'rejected'
      ? validatorStarted.reason
      : (gatewayStarted as PromiseRejectedResult).reason;
  }
  const validator = validatorStarted.value;
  const gateway = gatewayStarted.value;
  return {
    validator,
    gateway,
    async stop() {
      await Promise.allSettled([validator.stop(), gateway.stop()]);
    },
  };
}

/** Every canonical URL of an OperationDefinition named by the CapabilityStatement. */
export function operationDefinitionIds(capabilities: Record<string, unknown> | undefined): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.definition === 'string' && record.definition.includes('/OperationDefinition/'))
        ids.add(record.definition.replace(/\|.*$/, '').split('/OperationDefinition/')[1] ?? '');
      for (const child of Object.values(record)) visit(child);
    }
  };
  visit(capabilities?.rest);
  return [...ids].filter((id) => id !== '').sort();
}

const FIXTURES = join(repositoryRoot(), 'packages', 'fhir', 'test', 'validation', 'fixtures');

/** The official R4 examples vendored for the validation tests (their sources: fixtures/README.md). */
export const OFFICIAL_EXAMPLES: readonly string[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort();

/** An official example as vendored (a fresh copy on each call). */
export function officialExample(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
}
