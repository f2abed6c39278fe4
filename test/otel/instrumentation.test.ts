import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TracerProvider } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { afterEach, describe, expect, test } from 'vitest';
import {
  CallAbortedError,
  createRouter,
  InvalidSettingsError,
  type Router,
  type RouterEventMap,
  type RouterEventName,
} from '../../src/index.ts';
import { GEN_AI, GEN_AI_METRICS, GENERAL } from '../../src/otel/attribute-names.ts';
import { instrumentRouter } from '../../src/otel/index.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import { hello, startGateways } from '../helpers/gateways.ts';
import { isAttemptSpan, isCallSpan, startTelemetry } from './telemetry.ts';

const EVENTS: readonly RouterEventName[] = [
  'call-start',
  'call-end',
  'call-error',
  'attempt-start',
  'attempt-error',
  'fallback',
  'breaker-open',
  'breaker-half-open',
  'breaker-close',
  'usage',
  'tracker-error',
  'key-disabled',
  'key-unavailable',
  'limit-reached',
  'quota-exhausted',
] satisfies (keyof RouterEventMap)[];

const listenerCounts = (router: Router) => EVENTS.map((name) => router.listenerCount(name));

let telemetry = startTelemetry();
afterEach(async () => {
  await telemetry.shutdown();
  telemetry = startTelemetry();
});

describe('disable()', () => {
  test('detaches every listener: later calls leave no span and no metric', async () => {
    const { router } = await startGateways();
    const before = listenerCounts(router);
    const instrumentation = instrumentRouter(router, {
      tracerProvider: telemetry.tracerProvider,
      meterProvider: telemetry.meterProvider,
    });
    expect(listenerCounts(router)).not.toEqual(before);
    await router.chat(hello);
    expect(telemetry.spans()).toHaveLength(2);
    expect(await telemetry.histogram('gen_ai.client.operation.duration')).toHaveLength(1);

    instrumentation.disable();
    expect(instrumentation.enabled).toBe(false);
    expect(listenerCounts(router)).toEqual(before);
    await router.chat(hello);
    await router.stream(hello).result;
    expect(telemetry.spans()).toHaveLength(2);
    const [duration] = await telemetry.histogram('gen_ai.client.operation.duration');
    expect(duration?.value.count).toBe(1);

    instrumentation.uninstrument(); // a second time does nothing
    expect(listenerCounts(router)).toEqual(before);
  });

  test('ends the spans of a call in flight, marked, and ignores the rest of that call', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock, replies: [{ hang: true }] });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({ clock, logger: false, transports: { litellm, openrouter } });
    const instrumentation = instrumentRouter(router, { tracerProvider: telemetry.tracerProvider });
    const controller = new AbortController();
    const pending = router.chat({ ...hello, signal: controller.signal }).catch((caught: unknown) => caught);
    while (litellm.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));

    instrumentation.disable();
    const cut = telemetry.spans();
    expect(cut.map((span) => span.attributes['llm_router.incomplete'])).toEqual(['disabled', 'disabled']);
    expect(cut.some(isCallSpan) && cut.some(isAttemptSpan)).toBe(true);

    controller.abort();
    expect(CallAbortedError.isInstance(await pending)).toBe(true);
    expect(telemetry.spans()).toHaveLength(2);
    await router.close();
  });
});

describe('no cost when tracing records nothing', () => {
  test('a span that is not recording (sampled out) leaves no state: one startSpan per call, no attempt spans', async () => {
    const { router, litellm } = await startGateways();
    const sampledOut = startTelemetry({ sampler: new AlwaysOffSampler() });
    let started = 0;
    const counting: TracerProvider = {
      getTracer: (...args: Parameters<TracerProvider['getTracer']>) => {
        const tracer = sampledOut.tracerProvider.getTracer(...args);
        return {
          startSpan: (...span: Parameters<typeof tracer.startSpan>) => {
            started++;
            return tracer.startSpan(...span);
          },
          startActiveSpan: tracer.startActiveSpan.bind(tracer) as typeof tracer.startActiveSpan,
        };
      },
    };
    instrumentRouter(router, { tracerProvider: counting, metrics: false });
    litellm.fail({ status: 503 }, { times: 3 });
    for (let call = 0; call < 3; call++) expect((await router.chat(hello)).attempts).toHaveLength(2);
    expect(started).toBe(3);
    expect(sampledOut.spans()).toHaveLength(0);
    await sampledOut.shutdown();
  });

  test('with no meter provider registered, no metric listener is attached', async () => {
    const { router } = await startGateways();
    const before = router.listenerCount('call-end');
    instrumentRouter(router, { traces: false }); // the global meter provider is the API's no-op
    expect(router.listenerCount('call-end')).toBe(before);
    instrumentRouter(router, { traces: false, meterProvider: telemetry.meterProvider });
    expect(router.listenerCount('call-end')).toBe(before + 1);
  });

  test('the package root never imports OpenTelemetry or the otel subpath', () => {
    const root = fileURLToPath(new URL('../../src/', import.meta.url));
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        expect(specifier, `${file} imports ${specifier}`).not.toMatch(/^@opentelemetry\//);
        if (specifier?.startsWith('.')) visit(resolve(dirname(file), specifier));
      }
    };
    visit(join(root, 'index.ts'));
    expect(seen.size).toBeGreaterThan(50);
    expect([...seen].filter((file) => file.startsWith(join(root, 'otel')))).toEqual([]);
  });
});

describe('settings', () => {
  test.each([
    ['not a router', null, undefined, 'router'],
    ['a tracer provider without getTracer', {}, { tracerProvider: {} }, 'tracerProvider'],
    ['a meter provider without getMeter', {}, { meterProvider: { getTracer() {} } }, 'meterProvider'],
    ['captureContent not a boolean', {}, { captureContent: 'yes' }, 'captureContent'],
    ['an unknown setting', {}, { tracer: {} }, 'tracer'],
    ['settings that are not an object', {}, 42, '(settings)'],
  ])('%s: InvalidSettingsError naming it', async (_what, routerValue, settings, setting) => {
    const router = routerValue === null ? null : (await startGateways()).router;
    let caught: unknown;
    try {
      instrumentRouter(router as Router, settings as never);
    } catch (error) {
      caught = error;
    }
    expect(InvalidSettingsError.isInstance(caught)).toBe(true);
    expect((caught as InvalidSettingsError).issues[0]?.setting).toBe(setting);
    expect((caught as Error).message).toContain('instrumentRouter()');
  });
});

describe('names', () => {
  test('every GenAI name matches @opentelemetry/semantic-conventions', () => {
    const expected: Record<string, string> = {
      operationName: semconv.ATTR_GEN_AI_OPERATION_NAME,
      providerName: semconv.ATTR_GEN_AI_PROVIDER_NAME,
      requestModel: semconv.ATTR_GEN_AI_REQUEST_MODEL,
      requestMaxTokens: semconv.ATTR_GEN_AI_REQUEST_MAX_TOKENS,
      requestTemperature: semconv.ATTR_GEN_AI_REQUEST_TEMPERATURE,
      requestStream: semconv.ATTR_GEN_AI_REQUEST_STREAM,
      outputType: semconv.ATTR_GEN_AI_OUTPUT_TYPE,
      responseModel: semconv.ATTR_GEN_AI_RESPONSE_MODEL,
      responseFinishReasons: semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
      responseTimeToFirstChunk: semconv.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
      usageInputTokens: semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      usageOutputTokens: semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      usageCacheReadInputTokens: semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
      tokenType: semconv.ATTR_GEN_AI_TOKEN_TYPE,
      inputMessages: semconv.ATTR_GEN_AI_INPUT_MESSAGES,
      outputMessages: semconv.ATTR_GEN_AI_OUTPUT_MESSAGES,
      toolDefinitions: semconv.ATTR_GEN_AI_TOOL_DEFINITIONS,
    };
    expect(GEN_AI).toEqual(expected);
    expect(GEN_AI_METRICS).toEqual({
      tokenUsage: semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
      operationDuration: semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
      timeToFirstChunk: semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
    });
    expect(GENERAL).toEqual({
      errorType: semconv.ATTR_ERROR_TYPE,
      httpResponseStatusCode: semconv.ATTR_HTTP_RESPONSE_STATUS_CODE,
    });
    expect([
      semconv.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
      semconv.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
      semconv.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
      semconv.GEN_AI_PROVIDER_NAME_VALUE_COHERE,
      semconv.GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
    ]).toEqual(['openai', 'anthropic', 'gcp.gemini', 'cohere', 'mistral_ai']);
  });
});
