// W3C trace context with OpenTelemetry's API and no SDK (the default): parsing and formatting
// `traceparent`, extracting it from incoming headers, and what a span started under it carries.
import { describe, expect, it } from '@jest/globals';
import { propagation, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import {
  contextOfTraceparent,
  extractTraceContext,
  formatTraceparent,
  parseTraceparent,
  registerW3CPropagatorUnlessSet,
  startTraceScope,
} from '../src/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const W3C = /^00-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

describe('traceparent parsing and formatting', () => {
  it('parses a W3C traceparent into a remote span context, and formats it back', () => {
    const parsed = parseTraceparent(TRACEPARENT);
    expect(parsed).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(formatTraceparent(parsed!)).toBe(TRACEPARENT);
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.NONE })).toBe(
      `00-${TRACE_ID}-${SPAN_ID}-00`,
    );
  });

  it('accepts a future version (formatted as version 00) and surrounding spaces', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-extra`)?.traceId).toBe(TRACE_ID);
    expect(parseTraceparent(` ${TRACEPARENT} `)?.spanId).toBe(SPAN_ID);
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['garbage', 'not-a-traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(2)}-${SPAN_ID}-01`],
    ['version 00 with extra fields', `${TRACEPARENT}-extra`],
  ])('refuses %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
    expect(contextOfTraceparent(value)).toBe(ROOT_CONTEXT);
  });
});

describe('incoming headers, without an SDK', () => {
  it('registers W3C trace context as the global propagator when none is, once', () => {
    expect(propagation.fields()).toEqual([]);
    registerW3CPropagatorUnlessSet();
    registerW3CPropagatorUnlessSet(); // a second call keeps the first
    expect(propagation.fields()).toEqual(['traceparent', 'tracestate']);
  });

  it("extracts the caller's traceparent and tracestate from the request headers", () => {
    const extracted = extractTraceContext({ traceparent: TRACEPARENT, tracestate: 'vendor=abc' });
    const spanContext = trace.getSpanContext(extracted);
    expect(spanContext).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
    expect(spanContext?.traceState?.get('vendor')).toBe('abc');
    expect(trace.getSpanContext(extractTraceContext({ accept: 'application/fhir+json' }))).toBeUndefined();
  });
});

describe('startTraceScope, without an SDK', () => {
  it("continues the caller's span context as is: the traceparent the work's events carry", () => {
    const scope = startTraceScope('PUT', { kind: SpanKind.SERVER }, contextOfTraceparent(TRACEPARENT));
    expect(scope.traceparent).toBe(TRACEPARENT);
    expect(scope.span.isRecording()).toBe(false);
    expect(trace.getSpanContext(scope.context)?.traceId).toBe(TRACE_ID);
  });

  it('without a caller, starts a new valid root trace (sampled), a different one each time', () => {
    const first = startTraceScope('POST', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const second = startTraceScope('POST', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    expect(first.traceparent).toMatch(W3C);
    expect(first.traceparent.endsWith('-01')).toBe(true);
    expect(parseTraceparent(first.traceparent)).toBeDefined();
    expect(parseTraceparent(second.traceparent)?.traceId).not.toBe(
      parseTraceparent(first.traceparent)?.traceId,
    );
    // The work's context carries that root: a consumer span under it continues the same trace.
    const child = startTraceScope('process', { kind: SpanKind.CONSUMER }, first.context);
    expect(child.traceparent).toBe(first.traceparent);
  });
});
