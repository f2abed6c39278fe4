import { createNoopMeter, metrics, trace } from '@opentelemetry/api';
import { hasMethods } from '../errors/check-settings.ts';
import { describeValue } from '../errors/describe-value.ts';
import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import type { Router } from '../router/router.ts';
import type { RouterEventMap, RouterEventName } from '../router/router-events.ts';
import { INSTRUMENTATION_SCOPE } from './attribute-names.ts';
import { CallMetrics } from './call-metrics.ts';
import { CallTracing } from './call-tracing.ts';
import {
  type RouterInstrumentation,
  type RouterInstrumentationSettings,
  resolveInstrumentationSettings,
} from './instrumentation-settings.ts';

type Listener<K extends RouterEventName> = (...args: RouterEventMap[K]) => void;

/**
 * Observes a router with OpenTelemetry, through its public events: a span per call and per
 * attempt following the GenAI semantic conventions, and the GenAI client metrics. Nothing in the
 * router changes; `disable()` detaches every listener again.
 *
 * @example
 * ```ts
 * import { createRouter } from '@bestviable/llm-router';
 * import { instrumentRouter } from '@bestviable/llm-router/otel';
 *
 * const router = createRouter({ ... });
 * const instrumentation = instrumentRouter(router); // the global tracer and meter providers
 * // … later
 * instrumentation.disable();
 * ```
 */
export function instrumentRouter(
  router: Router,
  settings?: RouterInstrumentationSettings,
): RouterInstrumentation {
  if (!hasMethods('on', 'off')(router)) {
    throw new InvalidSettingsError({
      factory: 'instrumentRouter()',
      issues: [
        {
          setting: 'router',
          problem: `expected a router from createRouter(), got ${describeValue(router)}`,
        },
      ],
    });
  }
  const resolved = resolveInstrumentationSettings(settings);
  const attached: [RouterEventName, Listener<RouterEventName>][] = [];
  const on = <K extends RouterEventName>(name: K, listener: Listener<K>) => {
    (router.on as (name: K, listener: Listener<K>) => unknown)(name, listener);
    attached.push([name, listener as unknown as Listener<RouterEventName>]);
  };

  let tracing: CallTracing | undefined;
  if (resolved.traces) {
    const provider = resolved.tracerProvider ?? trace.getTracerProvider();
    const calls = new CallTracing(provider.getTracer(INSTRUMENTATION_SCOPE), resolved.captureContent);
    tracing = calls;
    on('call-start', (event) => calls.start(event));
    on('attempt-start', (event) => calls.attemptStart(event));
    on('attempt-error', (event) => calls.attemptError(event));
    on('fallback', (event) => calls.fallback(event));
    on('breaker-open', (event) => calls.breaker(event));
    on('breaker-half-open', (event) => calls.breaker(event));
    on('breaker-close', (event) => calls.breaker(event));
    on('usage', (record) => calls.usage(record));
    on('call-end', (event) => calls.end(event));
    on('call-error', (event) => calls.error(event));
  }
  if (resolved.metrics) {
    const meter = (resolved.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE);
    // The API's no-op meter (no provider registered) records nothing: listen for nothing either.
    if (meter !== createNoopMeter()) {
      const recorder = new CallMetrics(meter);
      on('usage', (record) => recorder.usage(record));
      on('call-end', (event) => recorder.end(event));
      on('call-error', (event) => recorder.error(event));
    }
  }

  let enabled = true;
  const disable = () => {
    if (!enabled) return;
    enabled = false;
    for (const [name, listener] of attached) {
      (router.off as (name: RouterEventName, listener: Listener<RouterEventName>) => unknown)(name, listener);
    }
    attached.length = 0;
    tracing?.disable();
  };
  return {
    disable,
    uninstrument: disable,
    get enabled() {
      return enabled;
    },
  };
}
