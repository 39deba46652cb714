import { z } from 'zod';
import { PROXY_SERVICES, REQUIRED_SERVICES, type ServiceName } from './routing-table.js';

/** The variable naming a service's FHIR base URL: `CARENET_SERVICE_CARE_PLANS_URL` for `care-plans`. */
export const serviceUrlVariable = (service: ServiceName): string =>
  `CARENET_SERVICE_${service.toUpperCase().replace(/-/g, '_')}_URL`;

/** What `proxyUpstreamsFromEnv` found: every service's FHIR base URL, or what is wrong. */
export type ProxyUpstreamsResult =
  | { readonly ok: true; readonly upstreams: ReadonlyMap<ServiceName, string> }
  | { readonly ok: false; readonly problems: readonly string[] };

const baseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .refine(
    (url) => !url.includes('?') && !url.includes('#'),
    'must be a FHIR base URL, without query or fragment',
  )
  .transform((url) => url.replace(/\/+$/, ''));

/**
 * The services' FHIR base URLs in the distributed mode, from `CARENET_SERVICE_TASKS_URL`,
 * `CARENET_SERVICE_CARE_PLANS_URL`, `CARENET_SERVICE_SHARED_INFO_URL` (required) and
 * `CARENET_SERVICE_PROTOCOLS_URL` (optional): absolute http(s) URLs, trailing slashes dropped; an
 * empty variable counts as unset. Every problem is named at once, phrased as config.ts phrases
 * them: `NAME: must be … (got "…")`.
 */
export function proxyUpstreamsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ProxyUpstreamsResult {
  const problems: string[] = [];
  const upstreams = new Map<ServiceName, string>();
  for (const service of PROXY_SERVICES) {
    const name = serviceUrlVariable(service);
    const value = env[name];
    const got = `(got ${JSON.stringify(value ?? null)})`;
    if (value === undefined || value === '') {
      if (REQUIRED_SERVICES.includes(service)) {
        problems.push(
          `${name}: required in the distributed mode: the FHIR base URL of the ${service} service ` +
            `(e.g. http://127.0.0.1:8081/fhir) ${got}`,
        );
      }
      continue;
    }
    const url = baseUrl.safeParse(value);
    if (url.success) upstreams.set(service, url.data);
    else problems.push(...url.error.issues.map((issue) => `${name}: ${issue.message} ${got}`));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, upstreams };
}
