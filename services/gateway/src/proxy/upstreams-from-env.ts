import { z } from 'zod';
import { PROXY_SERVICES, REQUIRED_SERVICES, type ServiceName } from './routing-table.js';

/** The variable naming a service's FHIR base URL: `CARENET_SERVICE_CARE_PLANS_URL` for `care-plans`. */
export const serviceUrlVariable = (service: ServiceName): string =>
  `CARENET_SERVICE_${service.toUpperCase().replace(/-/g, '_')}_URL`;

/**
 * What `proxyUpstreamsFromEnv` found: every service's FHIR base URLs (one per replica, in the
 * order given), or what is wrong.
 */
export type ProxyUpstreamsResult =
  | { readonly ok: true; readonly upstreams: ReadonlyMap<ServiceName, readonly string[]> }
  | { readonly ok: false; readonly problems: readonly string[] };

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .refine(
    (url) => !url.includes('?') && !url.includes('#'),
    'must be a FHIR base URL, without query or fragment',
  )
  .transform((url) => url.replace(/\/+$/, ''));

/**
 * One URL, or the replicas' URLs separated by commas (spaces around them ignored): the gateway
 * balances requests across them, sending each path under the same base path, so every replica
 * must have the same one, and a replica is named once.
 */
const replicaUrls = z
  .string()
  .transform((value) => value.split(',').map((url) => url.trim()))
  .pipe(z.array(baseUrl))
  .superRefine((urls, context) => {
    // Checked once every URL is one (zod runs this after the items' own problems too).
    if (!urls.every((url) => URL.canParse(url))) return;
    const paths = new Set(urls.map((url) => new URL(url).pathname.replace(/\/+$/, '')));
    if (paths.size > 1) {
      context.addIssue({
        code: 'custom',
        message: `the replicas must share one FHIR base path (${[...paths].map((p) => JSON.stringify(p || '/')).join(' and ')})`,
      });
    }
    const origins = urls.map((url) => new URL(url).origin);
    const twice = origins.find((origin, i) => origins.indexOf(origin) !== i);
    if (twice !== undefined) {
      context.addIssue({ code: 'custom', message: `names the replica ${twice} twice` });
    }
  });

/**
 * The services' FHIR base URLs in the distributed mode, from `CARENET_SERVICE_TASKS_URL`,
 * `CARENET_SERVICE_CARE_PLANS_URL`, `CARENET_SERVICE_SHARED_INFO_URL` (required) and
 * `CARENET_SERVICE_PROTOCOLS_URL` (optional): absolute http(s) URLs, trailing slashes dropped; an
 * empty variable counts as unset. A service running as several replicas has their URLs separated
 * by commas (`http://tasks-1:8080/fhir,http://tasks-2:8080/fhir`), with the same base path. Every
 * problem is named at once, phrased as config.ts phrases them: `NAME: must be … (got "…")`, the
 * replica's position first when the list has several (`NAME: URL 2: must be …`).
 */
export function proxyUpstreamsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ProxyUpstreamsResult {
  const problems: string[] = [];
  const upstreams = new Map<ServiceName, readonly string[]>();
  for (const service of PROXY_SERVICES) {
    const name = serviceUrlVariable(service);
    const value = env[name];
    const got = `(got ${JSON.stringify(value ?? null)})`;
    if (value === undefined || value === '') {
      if (REQUIRED_SERVICES.includes(service)) {
        problems.push(
          `${name}: required in the distributed mode: the FHIR base URL of the ${service} service ` +
            `(e.g. http://127.0.0.1:8081/fhir; the URLs of its replicas separated by commas) ${got}`,
        );
      }
      continue;
    }
    const urls = replicaUrls.safeParse(value);
    if (urls.success) {
      upstreams.set(service, urls.data);
      continue;
    }
    const items = value.split(',').map((url) => url.trim());
    for (const issue of urls.error.issues) {
      const index = typeof issue.path[0] === 'number' ? issue.path[0] : undefined;
      if (index === undefined || items.length === 1) problems.push(`${name}: ${issue.message} ${got}`);
      else
        problems.push(
          `${name}: URL ${index + 1}: ${issue.message} (got ${JSON.stringify(items[index] ?? null)})`,
        );
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, upstreams };
}
