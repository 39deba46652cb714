import type { RequestHandler, Response } from 'express';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  extractTraceContext,
  registerW3CPropagatorUnlessSet,
  startTraceScope,
  type TraceScope,
} from '@carenet/eventsourcing';

const LOCALS_KEY = 'carenetTrace';

/**
 * Trace context of FHIR requests (issue 14), with OpenTelemetry's API: the caller's trace comes in
 * through the global propagator (W3C `traceparent`/`tracestate`, registered here unless an SDK or
 * the user registered one), and a server span of the `carenet` tracer covers the request; the
 * rest of the request runs in its context. What the request's events carry is the span's
 * `traceparent` (see `startTraceScope`): the caller's trace id, a new root trace without one.
 */
export function requestTrace(): RequestHandler {
  registerW3CPropagatorUnlessSet();
  return (req, res, next) => {
    const parent = extractTraceContext(req.headers);
    const scope = startTraceScope(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'url.path': req.originalUrl.split('?')[0] },
      },
      parent,
    );
    res.locals[LOCALS_KEY] = scope;
    res.once('close', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        scope.span.updateName(`${req.method} ${req.baseUrl}${route}`);
        scope.span.setAttribute('http.route', `${req.baseUrl}${route}`);
      }
      scope.span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) scope.span.setStatus({ code: SpanStatusCode.ERROR });
      scope.span.end();
    });
    context.with(scope.context, next);
  };
}

/** The trace scope `requestTrace` gave this response's request, if it ran. */
export function requestTraceOf(res: Response): TraceScope | undefined {
  return res.locals[LOCALS_KEY] as TraceScope | undefined;
}
