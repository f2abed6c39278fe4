/**
 * OpenTelemetry: a span per call and per attempt (GenAI semantic conventions), and the GenAI client
 * metrics, printed to the console.
 *
 *   npm install && npm run example:otel
 *
 * With no environment variables it runs on the embedded default: loopback LiteLLM and OpenRouter
 * servers from the test kit. Part-way it takes LiteLLM down, so the third trace shows the failed
 * LiteLLM attempt, the fallback event and the OpenRouter attempt that answered. With
 * LITELLM_BASE_URL, LITELLM_API_KEY and OPENROUTER_API_KEY set, the same calls go to the real
 * services. In an application, register your SDK (e.g. `NodeSDK`) and call `instrumentRouter(router)`
 * with no providers: the global ones are used, and call spans nest under the active span.
 */
import { type ChatOptions, createRouter } from '@bestviable/llm-router';
import { instrumentRouter } from '@bestviable/llm-router/otel';
import { type ChatServer, startLiteLLMServer, startOpenRouterServer } from '@bestviable/llm-router/testing';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const live = Boolean(process.env.LITELLM_BASE_URL && process.env.OPENROUTER_API_KEY);
let litellmServer: ChatServer | undefined;
let openrouterServer: ChatServer | undefined;
if (!live) {
  litellmServer = await startLiteLLMServer({ apiKey: 'sk-demo-litellm', latencyMs: 5 });
  openrouterServer = await startOpenRouterServer({ apiKey: 'sk-or-v1-demo', latencyMs: 15 });
}

// Spans go to the console as each one ends (attempts before their call); metrics at the end.
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
});
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new ConsoleMetricExporter(),
      exportIntervalMillis: 60_000,
    }),
  ],
});

const router = createRouter({
  gateways: {
    litellm: live
      ? { baseURL: process.env.LITELLM_BASE_URL, apiKey: process.env.LITELLM_API_KEY }
      : { baseURL: litellmServer?.baseURL, apiKey: 'sk-demo-litellm' },
    openrouter: live
      ? { apiKey: process.env.OPENROUTER_API_KEY, appName: 'llm-router otel example' }
      : { baseURL: openrouterServer?.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  logger: false,
});
const instrumentation = instrumentRouter(router, { tracerProvider, meterProvider });

const ask = (content: string): ChatOptions => ({
  model: 'openai/gpt-5.4-mini',
  messages: [{ role: 'user', content }],
  maxTokens: 200,
  user: 'user-42',
  tags: ['support'],
});

console.log('\n── 1. A call through LiteLLM: its attempt span, then the call span');
const reply = await router.chat(ask('Summarise this ticket'));
console.log(`reply: "${reply.text}" via ${reply.route.gateway}`);

console.log('\n── 2. A stream: the spans end when the stream does');
let streamed = '';
for await (const text of router.stream(ask('Stream me a short answer')).textStream) streamed += text;
console.log(`streamed: "${streamed}"`);

if (litellmServer) {
  console.log('\n── 3. LiteLLM down: a failed attempt (error.type), a fallback event, OpenRouter answering');
  await litellmServer.down();
  const fallback = await router.chat(ask('Are you there?'));
  console.log(`reply: "${fallback.text}" via ${fallback.route.gateway}`);
}

console.log('\n── 4. The GenAI client metrics of those calls');
await meterProvider.shutdown(); // exports them once

instrumentation.disable();
await router.close();
await tracerProvider.shutdown();
await litellmServer?.close();
await openrouterServer?.close();
