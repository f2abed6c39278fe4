import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import * as z from 'zod/mini';
import { checkSettings, hasMethods } from '../errors/check-settings.ts';

/** What `instrumentRouter()` takes. Every field is optional. */
export interface RouterInstrumentationSettings {
  /**
   * Where spans go. @default the global tracer provider (`trace.getTracerProvider()`), so a
   * provider registered later (e.g. by `NodeSDK.start()`) is picked up.
   */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global meter provider (`metrics.getMeterProvider()`) */
  readonly meterProvider?: MeterProvider;
  /** A span per call and per attempt. @default true */
  readonly traces?: boolean;
  /** The GenAI client metrics and the cost counter. @default true */
  readonly metrics?: boolean;
  /**
   * Record prompts and answers on call spans (`gen_ai.input.messages`, `gen_ai.output.messages`,
   * `gen_ai.tool.definitions`, as JSON strings). They are likely to hold personal data and can be
   * large: the conventions leave them off by default, and so do we. @default false
   */
  readonly captureContent?: boolean;
}

/** What `instrumentRouter()` returns. */
export interface RouterInstrumentation {
  /**
   * Detaches every listener the instrumentation added to the router, so calls cost nothing more,
   * and ends the spans of calls still in flight (marked `llm_router.incomplete: 'disabled'`).
   * Calling it again does nothing.
   */
  disable(): void;
  /** The same as `disable()`. */
  uninstrument(): void;
  /** False once `disable()` was called. */
  readonly enabled: boolean;
}

/** Settings with their defaults applied (providers stay unset when the global ones are meant). */
export interface ResolvedInstrumentationSettings {
  readonly tracerProvider: TracerProvider | undefined;
  readonly meterProvider: MeterProvider | undefined;
  readonly traces: boolean;
  readonly metrics: boolean;
  readonly captureContent: boolean;
}

const schema = z.strictObject({
  tracerProvider: z.optional(
    z.custom<TracerProvider>(hasMethods('getTracer'), 'expected a TracerProvider (with getTracer())'),
  ),
  meterProvider: z.optional(
    z.custom<MeterProvider>(hasMethods('getMeter'), 'expected a MeterProvider (with getMeter())'),
  ),
  traces: z.optional(z.boolean()),
  metrics: z.optional(z.boolean()),
  captureContent: z.optional(z.boolean()),
});

/** Checks `instrumentRouter()`'s settings; throws `InvalidSettingsError` naming each bad one. */
export function resolveInstrumentationSettings(settings: unknown): ResolvedInstrumentationSettings {
  const checked = checkSettings(schema, settings, 'instrumentRouter()');
  return {
    tracerProvider: checked.tracerProvider,
    meterProvider: checked.meterProvider,
    traces: checked.traces ?? true,
    metrics: checked.metrics ?? true,
    captureContent: checked.captureContent ?? false,
  };
}
