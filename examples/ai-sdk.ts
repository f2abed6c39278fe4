/**
 * An AI SDK agent with tools, routed: fallback, limits and a usage ledger for every step.
 *
 *   npm install && npm run example:ai-sdk
 *
 * An agent written for the AI SDK adopts the router by changing one import and its `model:` line:
 *
 *   - import { openai } from '@ai-sdk/openai';
 *   + import { createRouterProvider } from '@bestviable/llm-router/ai-sdk';
 *   + const llm = createRouterProvider(router);
 *     ...
 *   - model: openai('gpt-5.4-mini'),
 *   + model: llm('openai/gpt-5.4-mini'),   // or llm.auto({ tools: true }) to let the router choose
 *
 * With no environment variables it runs on the embedded default: loopback LiteLLM and OpenRouter
 * servers from the test kit, scripted to answer like a model that uses the tools. With
 * LITELLM_BASE_URL, LITELLM_API_KEY and OPENROUTER_API_KEY set, the same agent talks to the real
 * services.
 */
import { createRouter, type UsageRecord } from '@bestviable/llm-router';
import { createRouterProvider, getRouterMetadata } from '@bestviable/llm-router/ai-sdk';
import {
  type ChatRequestBody,
  type ChatServer,
  type LoopbackReply,
  startLiteLLMServer,
  startOpenRouterServer,
} from '@bestviable/llm-router/testing';
import { generateText, isStepCount, streamText, tool } from 'ai';
import { z } from 'zod';

const live = Boolean(process.env.LITELLM_BASE_URL && process.env.OPENROUTER_API_KEY);

// The loopback servers play a model that looks the order up, refunds it, then answers.
function scriptedModel(body: ChatRequestBody): LoopbackReply {
  const toolResults = (body.messages ?? []).filter((message) => message.role === 'tool');
  if (toolResults.length === 0)
    return { text: '', toolCalls: [{ name: 'lookupOrder', arguments: '{"orderId":"A-1001"}' }] };
  if (toolResults.length === 1)
    return {
      text: '',
      toolCalls: [{ name: 'issueRefund', arguments: '{"orderId":"A-1001","amountUsd":42}' }],
    };
  return { text: 'Order A-1001 was damaged in transit; I refunded $42.00 to the original card.' };
}

let litellmServer: ChatServer | undefined;
let openrouterServer: ChatServer | undefined;
if (!live) {
  litellmServer = await startLiteLLMServer({ apiKey: 'sk-demo-litellm', reply: scriptedModel });
  openrouterServer = await startOpenRouterServer({ apiKey: 'sk-or-v1-demo', reply: scriptedModel });
}

const router = createRouter({
  gateways: {
    litellm: live
      ? { baseURL: process.env.LITELLM_BASE_URL, apiKey: process.env.LITELLM_API_KEY }
      : { baseURL: litellmServer?.baseURL, apiKey: 'sk-demo-litellm' },
    openrouter: live
      ? { apiKey: process.env.OPENROUTER_API_KEY, appName: 'llm-router AI SDK example' }
      : { baseURL: openrouterServer?.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  limits: { users: { '*': { requestsPerMinute: 30, budgetUsdPerDay: 1 } } },
  logger: false,
});
const ledger: UsageRecord[] = [];
router.on('usage', (record) => ledger.push(record));
router.on('fallback', (event) =>
  console.log(`  ↪ fallback ${event.from.gateway} → ${event.to.gateway} (${event.reason})`),
);

// The agent: plain AI SDK code. Only the model line knows about the router.
const llm = createRouterProvider(router, { tags: ['support-agent'] });
const tools = {
  lookupOrder: tool({
    description: 'Look an order up by its id',
    inputSchema: z.object({ orderId: z.string() }),
    execute: async ({ orderId }) => ({ orderId, status: 'delivered', damaged: true, totalUsd: 42 }),
  }),
  issueRefund: tool({
    description: 'Refund an order to the original payment method',
    inputSchema: z.object({ orderId: z.string(), amountUsd: z.number() }),
    execute: async ({ orderId, amountUsd }) => ({ orderId, refundedUsd: amountUsd, refundId: 'rf_981' }),
  }),
};

console.log('\ngenerateText: a three-step tool loop for user-42');
const result = await generateText({
  model: llm('openai/gpt-5.4-mini'),
  system: 'You are a support agent. Use the tools.',
  prompt: 'My order A-1001 arrived broken. Can I get my money back?',
  tools,
  stopWhen: isStepCount(5),
  maxRetries: 0, // the router already retries and falls back
  providerOptions: { llmRouter: { user: 'user-42' } },
});
for (const [index, step] of result.steps.entries()) {
  const routed = getRouterMetadata(step.providerMetadata);
  const did = step.toolCalls.map((call) => `${call.toolName}(${JSON.stringify(call.input)})`).join(', ');
  console.log(
    `  step ${index + 1}: ${routed?.route.gateway}/${routed?.route.model} $${routed?.cost.usd.toFixed(6)}  ${did || step.text}`,
  );
}

if (litellmServer) {
  console.log('\nstreamText while LiteLLM is down: the same agent, served by OpenRouter');
  await litellmServer.down();
}
const stream = streamText({
  model: llm.auto({ tools: true }),
  prompt: 'Order A-1001 again: refund it, please.',
  tools,
  stopWhen: isStepCount(5),
  maxRetries: 0,
  providerOptions: { llmRouter: { user: 'user-7' } },
});
let answer = '';
for await (const text of stream.textStream) answer += text; // or print each piece as it arrives
const last = getRouterMetadata(await stream.providerMetadata);
console.log(`  "${answer}"`);
console.log(
  `  answered by ${last?.route.gateway}/${last?.route.model} after ${last?.attempts.length} attempt(s)`,
);

console.log('\nThe ledger: one record per model call');
console.table(
  ledger.map((record) => ({
    user: record.user,
    gateway: record.gateway,
    model: record.model,
    tokens: record.inputTokens + record.outputTokens,
    usd: Number(record.costUsd.toFixed(6)),
    fallback: record.fallback,
    stream: record.stream,
  })),
);

await router.close();
await litellmServer?.close();
await openrouterServer?.close();
