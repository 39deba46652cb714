import { carenetCodeSystem, FHIR_JSON } from '@carenet/fhir';
import type {
  CapabilityStatement,
  CapabilityStatementRest,
  CapabilityStatementRestResource,
  Coding,
} from 'fhir/r4.js';
import { badGateway } from './upstream-errors.js';
import { bufferedCall, jsonOf, type ProxyContext } from './proxy-context.js';

/** How long a merged CapabilityStatement of every service is served before it is fetched again. */
export const DEFAULT_METADATA_CACHE_MS = 30_000;

/** How long a service's `/metadata` is waited for: a service that hangs must not hang the statement. */
const METADATA_TIMEOUT_MS = 5_000;

/**
 * The tag of a merged CapabilityStatement that misses a service: one per service that did not
 * answer (`code` = its name), so that a client sees its types are missing for now and why.
 */
export const UNREACHABLE_SERVICE_TAG_SYSTEM = carenetCodeSystem('gateway-unreachable-service');

/** The gateway's own words on the system interactions it serves (across services). */
const SYSTEM_INTERACTIONS: Readonly<Record<string, string>> = {
  batch:
    'POST [base] with a batch Bundle: the gateway sends each entry to the service that owns its type, ' +
    'several at once, and answers the batch-response in the order of the entries, each with its status; ' +
    'a failing entry never fails the others.',
  transaction:
    'POST [base] with a transaction Bundle: all or nothing within one service (one database ' +
    'transaction); every entry must be of the types of one service, otherwise 422 naming the services.',
};

interface Statement {
  readonly service: string;
  readonly statement: CapabilityStatement;
}

/**
 * `GET [base]/metadata` of the distributed mode: the CapabilityStatements of the services merged
 * into one. Each service's `/metadata` is fetched (no token: it is public), and kept
 * `cacheMs`; a statement that misses a service is not kept (the next request asks again).
 *
 * The merge: the first answering service's statement (in the order of `services`) gives
 * `software`, `fhirVersion`, `format`, `patchFormat`, `rest.security` and `rest.documentation`;
 * `implementation.url` is the public base; `rest.resource` is each type from the service that owns
 * it (types no service owns, such as OperationDefinition, from the first that lists them);
 * `rest.interaction` and `rest.operation` are the union. A service that does not answer leaves
 * its types out and tags the statement (`meta.tag`, UNREACHABLE_SERVICE_TAG_SYSTEM, code = the
 * service); none answering is a 502.
 */
export class MergedCapability {
  private cached: { readonly statement: CapabilityStatement; readonly until: number } | undefined;
  private inFlight: Promise<CapabilityStatement> | undefined;

  constructor(
    private readonly context: ProxyContext,
    private readonly services: readonly string[],
    private readonly cacheMs: number = DEFAULT_METADATA_CACHE_MS,
  ) {}

  async statement(requestId: string): Promise<CapabilityStatement> {
    if (this.cached !== undefined && this.cached.until > Date.now()) return this.cached.statement;
    // One fetch for every request waiting on it.
    this.inFlight ??= this.fetch(requestId).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(requestId: string): Promise<CapabilityStatement> {
    const answers = await Promise.all(
      this.services.map(async (service): Promise<Statement | undefined> => {
        try {
          const answer = await bufferedCall(
            this.context,
            {
              service,
              method: 'GET',
              path: '/metadata',
              headers: { accept: FHIR_JSON, 'x-request-id': requestId },
              responseTimeoutMs: Math.min(METADATA_TIMEOUT_MS, this.context.clients.timeouts.responseMs),
            },
            'metadata',
          );
          const statement = jsonOf(answer) as CapabilityStatement | undefined;
          if (answer.status !== 200 || statement?.resourceType !== 'CapabilityStatement') {
            this.context.logger.warn(
              { service, status: answer.status },
              'a service answered /metadata without a CapabilityStatement',
            );
            return undefined;
          }
          return { service, statement };
        } catch (error) {
          this.context.logger.warn(
            { service, reason: (error as Error).message },
            'a service did not answer /metadata',
          );
          return undefined;
        }
      }),
    );
    const answered = answers.filter((a): a is Statement => a !== undefined);
    const missing = this.services.filter((s) => !answered.some((a) => a.service === s));
    if (answered.length === 0) {
      throw badGateway(
        `no service answered its CapabilityStatement (${missing.join(', ')}); try again later`,
      );
    }
    const statement = mergeStatements(answered, this.context.routes, this.context.publicBaseUrl, missing);
    if (missing.length === 0) this.cached = { statement, until: Date.now() + this.cacheMs };
    else this.cached = undefined;
    return statement;
  }
}

function unionBy<T>(lists: readonly (readonly T[] | undefined)[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of lists.flatMap((list) => list ?? [])) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** Merges the statements of the services that answered (see MergedCapability). */
export function mergeStatements(
  answered: readonly Statement[],
  routes: ReadonlyMap<string, string>,
  publicBaseUrl: string,
  missing: readonly string[],
): CapabilityStatement {
  const [first] = answered;
  if (first === undefined) throw new Error('no statement to merge');
  const rests = answered.map((a) => a.statement.rest?.[0]);
  const resources = new Map<string, CapabilityStatementRestResource>();
  for (const { service, statement } of answered) {
    for (const resource of statement.rest?.[0]?.resource ?? []) {
      const owner = routes.get(resource.type);
      const theirs = owner === undefined ? !resources.has(resource.type) : owner === service;
      if (theirs) resources.set(resource.type, resource);
    }
  }
  const firstRest: CapabilityStatementRest = first.statement.rest?.[0] ?? { mode: 'server' };
  const interaction = unionBy(
    rests.map((r) => r?.interaction),
    (i) => i.code,
  ).map((i) => {
    const documentation = SYSTEM_INTERACTIONS[i.code];
    return documentation === undefined ? i : { ...i, documentation };
  });
  const operation = unionBy(
    rests.map((r) => r?.operation),
    (o) => `${o.name}|${o.definition}`,
  );
  const tags: Coding[] = missing.map((service) => ({
    system: UNREACHABLE_SERVICE_TAG_SYSTEM,
    code: service,
    display: `the ${service} service did not answer: its resource types are missing from this statement`,
  }));
  const { meta, ...rest } = first.statement;
  const patchFormat = unionBy(
    answered.map((a) => a.statement.patchFormat),
    (f) => f,
  );
  return {
    ...rest,
    ...((meta !== undefined || tags.length > 0) && {
      meta: { ...meta, ...(tags.length > 0 && { tag: [...(meta?.tag ?? []), ...tags] }) },
    }),
    implementation: {
      ...first.statement.implementation,
      description: first.statement.implementation?.description ?? 'carenet',
      url: publicBaseUrl,
    },
    ...(patchFormat.length > 0 && { patchFormat }),
    rest: [
      {
        ...firstRest,
        resource: [...resources.values()].sort((a, b) => a.type.localeCompare(b.type)),
        ...(interaction.length > 0 && { interaction }),
        ...(operation.length > 0 && { operation }),
      },
    ],
  };
}
