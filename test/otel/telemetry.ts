import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * The context manager a Node application registers (what `@opentelemetry/context-async-hooks`
 * provides): the active context follows async work through AsyncLocalStorage.
 */
export class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(context, () => fn.call(thisArg, ...args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (...args: unknown[]) =>
      this.with(context, target as (...args: unknown[]) => unknown, undefined, ...args);
    return run as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

/** A metric reader collected on demand: no export timer. */
class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** The real OpenTelemetry SDK, exporting to memory. */
export function startTelemetry(options: { sampler?: Sampler } = {}) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  /** Every metric collected so far, by name. */
  async function collectMetrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await reader.collect();
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    }
    return byName;
  }

  return {
    exporter,
    tracerProvider,
    meterProvider,
    /** Finished spans, in the order they ended. */
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    collectMetrics,
    /** The data points of one histogram. */
    async histogram(name: string): Promise<DataPoint<Histogram>[]> {
      return ((await collectMetrics()).get(name)?.dataPoints ?? []) as DataPoint<Histogram>[];
    },
    /** The data points of one counter. */
    async counter(name: string): Promise<DataPoint<number>[]> {
      return ((await collectMetrics()).get(name)?.dataPoints ?? []) as DataPoint<number>[];
    },
    async shutdown(): Promise<void> {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The one span with this name; fails the test when there is not exactly one. */
export function only(
  spans: readonly ReadableSpan[],
  predicate: (span: ReadableSpan) => boolean,
): ReadableSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1) {
    throw new Error(
      `expected one matching span, found ${found.length}: ${spans.map((span) => span.name).join(', ')}`,
    );
  }
  return found[0] as ReadableSpan;
}

/** Call spans (they carry `llm_router.candidates`) and attempt spans (`llm_router.attempt`). */
export const isCallSpan = (span: ReadableSpan) => span.attributes['llm_router.candidates'] !== undefined;
export const isAttemptSpan = (span: ReadableSpan) => span.attributes['llm_router.attempt'] !== undefined;
