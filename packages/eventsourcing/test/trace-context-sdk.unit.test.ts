// With an OpenTelemetry SDK registered (here a minimal TracerProvider that records its spans, as
// an SDK would, so that this package needs none): the spans carenet starts are the SDK's, in the
// caller's trace with their own span ids, and the traceparent the events carry is the span's.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { contextOfTraceparent, parseTraceparent, startTraceScope, TRACER_NAME } from '../src/index.js';

interface Recorded {
  readonly tracer: string;
  readonly name: string;
  readonly kind: SpanKind | undefined;
  readonly context: SpanContext;
  readonly parent: SpanContext | undefined;
  ended: boolean;
}

/** What an SDK does that matters here: child ids under the parent's trace, new roots otherwise. */
class RecordingProvider implements TracerProvider {
  readonly spans: Recorded[] = [];
  getTracer(tracerName: string): Tracer {
    const spans = this.spans;
    const start = (name: string, options: SpanOptions = {}, parentContext: Context = ROOT_CONTEXT): Span => {
      const parent = trace.getSpanContext(parentContext);
      const context: SpanContext = {
        traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        traceFlags: parent?.traceFlags ?? TraceFlags.SAMPLED,
      };
      const recorded: Recorded = {
        tracer: tracerName,
        name,
        kind: options.kind,
        context,
        parent,
        ended: false,
      };
      spans.push(recorded);
      const span = trace.wrapSpanContext(context);
      return Object.assign(Object.create(span) as Span, {
        isRecording: () => !recorded.ended,
        end: () => {
          recorded.ended = true;
        },
      });
    };
    return {
      startSpan: start,
      startActiveSpan: () => {
        throw new Error('not used');
      },
    } as Tracer;
  }
}

describe('startTraceScope with an SDK', () => {
  const provider = new RecordingProvider();
  trace.setGlobalTracerProvider(provider);

  it("records a span of the carenet tracer in the caller's trace: the events carry its span id", () => {
    const caller = `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`;
    const scope = startTraceScope('PUT', { kind: SpanKind.SERVER }, contextOfTraceparent(caller));
    const span = provider.spans.at(-1)!;
    expect(span).toMatchObject({ tracer: TRACER_NAME, kind: SpanKind.SERVER });
    expect(span.parent).toMatchObject({ spanId: '00f067aa0ba902b7', isRemote: true });
    expect(parseTraceparent(scope.traceparent)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: span.context.spanId,
    });
    expect(scope.traceparent).not.toBe(caller);

    // A consumer of the events continues that trace with a child span of its own.
    const consumer = startTraceScope(
      'process',
      { kind: SpanKind.CONSUMER },
      contextOfTraceparent(scope.traceparent),
    );
    expect(provider.spans.at(-1)?.parent?.spanId).toBe(span.context.spanId);
    expect(parseTraceparent(consumer.traceparent)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it("without a caller, the trace is the SDK's new root", () => {
    const scope = startTraceScope('POST', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const span = provider.spans.at(-1)!;
    expect(span.parent).toBeUndefined();
    expect(scope.traceparent).toBe(`00-${span.context.traceId}-${span.context.spanId}-01`);
    expect(span.context).not.toEqual(INVALID_SPAN_CONTEXT);
  });
});
