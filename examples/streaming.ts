/**
 * Streaming: fallback before the first token, and a stream cut after it.
 *
 *   npm run example:streaming
 *
 * Runs on the embedded default: loopback LiteLLM and OpenRouter servers from the test kit (no keys,
 * no network). The failures are injected into those servers, so this example always runs on them.
 *
 * 1. LiteLLM answers 503 before any content: the router moves to OpenRouter (a `fallback` event)
 *    and the caller sees one uninterrupted stream.
 * 2. LiteLLM drops the connection after a few deltas: nothing is replayed once content has been
 *    delivered, so the loop ends with `StreamInterruptedError`, which carries what was delivered.
 */
import { createRouter, StreamInterruptedError } from '@bestviable/llm-router';
import { startLiteLLMServer, startOpenRouterServer } from '@bestviable/llm-router/testing';

const litellm = await startLiteLLMServer({ apiKey: 'sk-demo-litellm', streamChunkSize: 6 });
const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-demo', streamChunkSize: 6 });
const answer = 'Refunds are issued to the original payment method within five working days.';
for (const server of [litellm, openrouter]) server.setReply(() => ({ text: answer }));

const router = createRouter({
  gateways: {
    litellm: { baseURL: litellm.baseURL, apiKey: 'sk-demo-litellm' },
    openrouter: { baseURL: openrouter.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  retry: { maxRetries: 0 },
  logger: false,
});
router.on('fallback', (event) =>
  console.log(`  ↪ fallback ${event.from.gateway} → ${event.to.gateway} (${event.reason}: ${event.message})`),
);

// Each delta in brackets, as it arrives.
let lineStarted = false;
const printDelta = (text: string) => {
  process.stdout.write(`${lineStarted ? '' : '  '}[${text}]`);
  lineStarted = true;
};

const messages = [{ role: 'user' as const, content: 'How are refunds paid?' }];

console.log('1. LiteLLM fails before the first token; OpenRouter streams the answer:\n');
litellm.fail({ status: 503, message: 'No deployments available for selected model' }, { stream: true });
const stream = router.stream({ model: 'openai/gpt-5.4-mini', messages, user: 'user-42' });
for await (const part of stream) {
  if (part.type === 'text-delta') printDelta(part.text);
}
const result = await stream.result;
console.log(
  `\n\n  status ${result.status}, via ${result.route.gateway} (${result.route.gatewayModel}), ` +
    `${result.usage.inputTokens}+${result.usage.outputTokens} tokens, $${result.cost.usd.toFixed(6)} ` +
    `(${result.cost.source}), first token after ${result.timeToFirstTokenMs} ms, ` +
    `attempts: ${result.attempts.map((attempt) => `${attempt.route.gateway} ${attempt.error?.kind ?? 'ok'}`).join(', ')}`,
);

console.log('\n2. LiteLLM drops the connection after three deltas; nothing is replayed:\n');
litellm.fail({ cutAfterChunks: 3 }, { stream: true });
lineStarted = false;
const cut = router.stream({ model: 'openai/gpt-5.4-mini', messages, user: 'user-42' });
try {
  for await (const text of cut.textStream) printDelta(text);
  console.log('\n  (the stream completed: unexpected)');
} catch (error) {
  if (!StreamInterruptedError.isInstance(error)) throw error;
  console.log(`\n\n  ${error.name}: ${error.message}`);
  console.log(`  partialText: ${JSON.stringify(error.partialText)}`);
  console.log(
    `  recorded: ${error.usage.inputTokens}+${error.usage.outputTokens} tokens, $${error.cost.usd.toFixed(6)} ` +
      `(${error.cost.source}) via ${error.route.gateway}`,
  );
}
// The result settles with the same error; the usage record is written either way.
await cut.result.catch(() => undefined);
const [, last] = await router.usage.query();
console.log(`  usage record: status ${last?.status}, errorKind ${last?.errorKind}, stream ${last?.stream}`);
console.log(`  OpenRouter received ${openrouter.chatCount} request(s) in all (the first stream only).`);

await router.close();
await litellm.close();
await openrouter.close();
