import type { RequestHandler } from 'express';
import { Counter, Histogram, register as defaultRegistry, type Registry } from 'prom-client';

export interface HttpMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
}

const byRegistry = new WeakMap<Registry, HttpMetrics>();

/** Prometheus metrics of the HTTP surface, created once per registry. */
export function httpMetrics(registry: Registry = defaultRegistry): HttpMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const labelNames = ['method', 'route', 'status'] as const;
  const metrics: HttpMetrics = {
    requests: new Counter({
      name: 'carenet_http_requests_total',
      help: 'HTTP requests answered, by method, route (a pattern such as /fhir/:type/:id, never an id) and status',
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'carenet_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const FIXED = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/dev-issuer/jwks.json',
  '/dev-issuer/token',
  '/.well-known/smart-configuration',
  '/fhir',
  '/fhir/metadata',
  '/fhir/.well-known/smart-configuration',
]);

/** An operation segment: its name when the request succeeded, else a placeholder (no free text). */
function operation(segment: string, status: number): string {
  return status < 400 && /^\$[a-z][a-z0-9-]{0,63}$/i.test(segment) ? segment : '$operation';
}

/**
 * The route label of a request: a pattern with `:type`, `:id` and `:vid` in place of the values,
 * so that the number of series stays small whatever the clients send; anything else is
 * `unmatched`.
 */
export function routeOf(path: string, status: number): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (FIXED.has(trimmed)) return trimmed;
  if (!trimmed.startsWith('/fhir/')) return 'unmatched';
  const [first, second, third, fourth, ...rest] = trimmed.slice('/fhir/'.length).split('/');
  if (rest.length > 0 || first === undefined || first === '') return '/fhir/unmatched';
  if (first.startsWith('$'))
    return second === undefined ? `/fhir/${operation(first, status)}` : '/fhir/unmatched';
  if (second === undefined) return '/fhir/:type';
  if (third === undefined) {
    if (second === '_search' || second === '_history') return `/fhir/:type/${second}`;
    if (second.startsWith('$')) return `/fhir/:type/${operation(second, status)}`;
    return '/fhir/:type/:id';
  }
  if (third === '_history')
    return fourth === undefined ? '/fhir/:type/:id/_history' : '/fhir/:type/:id/_history/:vid';
  if (third.startsWith('$') && fourth === undefined) return `/fhir/:type/:id/${operation(third, status)}`;
  return '/fhir/unmatched';
}

/** Counts and times every request, labelled by method, route pattern and status. */
export function httpMetricsMiddleware(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const path = req.path;
    res.once('finish', () => {
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        route: routeOf(path, res.statusCode),
        status: String(res.statusCode),
      };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}
