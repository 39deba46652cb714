import { randomBytes } from 'node:crypto';
import {
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type TextMapGetter,
} from '@opentelemetry/api';
import { parseTraceParent, W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context (issue 14) through OpenTelemetry's API: a request's trace goes into the events
 * it causes (`metadata.traceparent`, the `traceparent` header on Kafka), and the consumers of those
 * events continue it. Only the API is used: without an SDK (none is installed by default) every
 * span is non-recording and carries its parent's span context; register an SDK (and an exporter)
 * before the app starts, e.g. `node --import ./otel-setup.mjs`, and the spans are recorded.
 */

/** The tracer of every carenet span. */
export const TRACER_NAME = 'carenet';

const w3c = new W3CTraceContextPropagator();

/**
 * Makes W3C trace context (`traceparent`, `tracestate`) the global propagator, unless one is
 * registered already (an SDK's, or one the user set up): call it once, where the app starts,
 * after any SDK setup (the API refuses a second registration).
 */
export function registerW3CPropagatorUnlessSet(): void {
  if (propagation.fields().length === 0) propagation.setGlobalPropagator(w3c);
}

/**
 * The trace context a carrier (incoming HTTP headers) propagates, through the global propagator;
 * through W3C trace context when none is registered (or the API refused ours: an SDK registered
 * its globals with another API version). The root context when the carrier has none.
 */
export function extractTraceContext<Carrier>(carrier: Carrier, getter?: TextMapGetter<Carrier>): Context {
  return propagation.fields().length > 0
    ? propagation.extract(ROOT_CONTEXT, carrier, getter)
    : w3c.extract(ROOT_CONTEXT, carrier, getter ?? (defaultGetter as TextMapGetter<Carrier>));
}

const defaultGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] as string | string[] | undefined,
};

/** A span context as a W3C `traceparent` (version 00). */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The span context of a W3C `traceparent`, when it is one and valid (no all-zero ids). */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  if (value === undefined) return undefined;
  const parsed = parseTraceParent(value.trim());
  return parsed !== null && isSpanContextValid(parsed) ? { ...parsed, isRemote: true } : undefined;
}

/** A context whose parent span is the remote one of `traceparent`: the root context if none is valid. */
export function contextOfTraceparent(
  traceparent: string | undefined,
  parent: Context = ROOT_CONTEXT,
): Context {
  const remote = parseTraceparent(traceparent);
  return remote === undefined ? parent : trace.setSpanContext(parent, remote);
}

/** A new root span context: random ids, sampled (so that consumers with an SDK record it). */
function newRootSpanContext(): SpanContext {
  return {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.SAMPLED,
  };
}

/** A span started in a parent context, the context to run its work in, and its `traceparent`. */
export interface TraceScope {
  readonly span: Span;
  /** The parent context with the span set: run the span's work in it (`context.with`). */
  readonly context: Context;
  /** What the events the work appends carry (`metadata.traceparent`). */
  readonly traceparent: string;
}

/**
 * Starts a span of the `carenet` tracer under `parent`. Without an SDK the span is non-recording
 * and has the parent's span context, so `traceparent` is the caller's as it came; with an SDK it
 * has the caller's trace id and the new span's id. Without a caller's trace (nor an SDK to make
 * one) it is a new valid root, sampled: every event of the work carries that same trace.
 */
export function startTraceScope(name: string, options: SpanOptions, parent: Context): TraceScope {
  let span = trace.getTracer(TRACER_NAME).startSpan(name, options, parent);
  if (!isSpanContextValid(span.spanContext())) span = trace.wrapSpanContext(newRootSpanContext());
  return {
    span,
    context: trace.setSpan(parent, span),
    traceparent: formatTraceparent(span.spanContext()),
  };
}
