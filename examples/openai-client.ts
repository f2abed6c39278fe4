/**
 * Code written for the `openai` client, routed: the same calls get fallback, limits and a ledger.
 *
 *   npm install && npm run example:openai
 *
 * The whole change to existing code is where the client is made:
 *
 *   - const client = new OpenAI();
 *   + const client = createRouterOpenAIClient(router);   // a real OpenAI instance
 *
 * and `model:` becomes a router model id (`openai/gpt-5.4-mini`, `anthropic/claude-haiku-4-5`, …) or
 * 'auto' to let the router choose.
 *
 * With no environment variables it runs on the embedded default: loopback LiteLLM and OpenRouter
 * servers from the test kit. With LITELLM_BASE_URL, LITELLM_API_KEY and OPENROUTER_API_KEY set, the
 * same calls go to the real services.
 */
import { createRouter, type UsageRecord } from '@bestviable/llm-router';
import { createRouterOpenAIClient, routerMetadataOf } from '@bestviable/llm-router/openai';
import {
  type ChatRequestBody,
  type ChatServer,
  type LoopbackReply,
  startLiteLLMServer,
  startOpenRouterServer,
} from '@bestviable/llm-router/testing';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

const live = Boolean(process.env.LITELLM_BASE_URL && process.env.OPENROUTER_API_KEY);

// The loopback servers play a model that calls the exchange-rate tool once, then answers.
function scriptedModel(body: ChatRequestBody): LoopbackReply {
  const last = body.messages?.at(-1);
  if (body.tools && last?.role !== 'tool')
    return { text: '', toolCalls: [{ name: 'exchangeRate', arguments: '{"from":"EUR","to":"USD"}' }] };
  if (last?.role === 'tool') return { text: `1 EUR is ${String(last.content)} USD today.` };
  return {}; // the default: an echo of the question
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
      ? { apiKey: process.env.OPENROUTER_API_KEY, appName: 'llm-router openai example' }
      : { baseURL: openrouterServer?.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  logger: false,
});
const ledger: UsageRecord[] = [];
router.on('usage', (record) => ledger.push(record));
router.on('fallback', (event) =>
  console.log(`  ↪ fallback ${event.from.gateway} → ${event.to.gateway} (${event.reason})`),
);

// ---- Code written for the openai client: it knows nothing of the router. ----
const exchangeRate: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'exchangeRate',
    description: 'Exchange rate between two currencies',
    parameters: {
      type: 'object',
      properties: { from: { type: 'string' }, to: { type: 'string' } },
      required: ['from', 'to'],
    },
  },
};

async function ask(client: Pick<OpenAI, 'chat'>, question: string): Promise<string> {
  const completion = await client.chat.completions.create({
    model: 'openai/gpt-5.4-mini',
    messages: [{ role: 'user', content: question }],
    max_tokens: 200,
  });
  return completion.choices[0]?.message.content ?? '';
}

async function streamAnswer(client: Pick<OpenAI, 'chat'>, question: string): Promise<void> {
  const stream = await client.chat.completions.create({
    model: 'auto',
    messages: [{ role: 'user', content: question }],
    stream: true,
    stream_options: { include_usage: true },
  });
  process.stdout.write('  ');
  for await (const chunk of stream) {
    process.stdout.write(chunk.choices[0]?.delta.content ?? '');
    if (chunk.usage)
      process.stdout.write(`\n  (${chunk.usage.prompt_tokens}+${chunk.usage.completion_tokens} tokens)\n`);
  }
}

async function convert(client: Pick<OpenAI, 'chat'>): Promise<string> {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'How many dollars is one euro?' }];
  for (;;) {
    const completion = await client.chat.completions.create({
      model: 'auto',
      messages,
      tools: [exchangeRate],
    });
    const message = completion.choices[0]?.message;
    if (!message?.tool_calls?.length) return message?.content ?? '';
    messages.push(message);
    for (const call of message.tool_calls)
      messages.push({ role: 'tool', tool_call_id: call.id, content: '1.08' });
  }
}
// ---- End of the openai-client code. ----

const client = createRouterOpenAIClient(router, { user: 'user-42' }); // was: new OpenAI()
console.log(`\nThe client is the real thing: client instanceof OpenAI = ${client instanceof OpenAI}`);

console.log('\nchat.completions.create:');
console.log(`  "${await ask(client, 'Summarise ticket 7 in one line')}"`);

console.log('\nA tool round trip (model: auto):');
console.log(`  "${await convert(client)}"`);

if (litellmServer) {
  console.log('\nStreaming while LiteLLM is down (served by OpenRouter):');
  await litellmServer.down();
}
await streamAnswer(client, 'Is the router still answering?');

console.log('\nWhat the router cannot honour is refused, naming the parameter:');
try {
  await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }], n: 2 });
} catch (error) {
  if (error instanceof OpenAI.BadRequestError)
    console.log(`  ${error.constructor.name} param=${error.param}: ${error.message}`);
}

console.log('\nWhere each call went (routerMetadataOf) and the ledger:');
const completion = await client.chat.completions.create({
  model: 'anthropic/claude-haiku-4-5',
  messages: [{ role: 'user', content: 'hi' }],
});
const routed = routerMetadataOf(completion);
console.log(
  `  last call: ${routed?.route.gateway}/${routed?.route.gatewayModel} $${routed?.cost.usd.toFixed(6)} fallback=${routed?.fallback}`,
);
console.table(
  ledger.map((record) => ({
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
