/**
 * Limits and quotas: a per-user daily budget and a provider's requests per minute.
 *
 *   npm run example:limits
 *
 * Runs on the embedded default: loopback LiteLLM and OpenRouter servers from the test kit (no keys,
 * no network). It always runs on them, so that the calls spent on reaching the limits cost nothing.
 *
 * 1. `user-trial` has $0.002 a day: calls go through until the next one could cost more than what is
 *    left; that one is refused (`quota-exhausted`, `LimitExceededError`).
 * 2. Anthropic is limited to 3 requests a minute: the fourth is refused (`limit-reached`).
 * 3. `router.limits.status()` shows every limit; `router.limits.set()` raises the trial budget.
 */
import {
  type ChatOptions,
  createRouter,
  LimitExceededError,
  type LimitReachedEvent,
} from '@bestviable/llm-router';
import { startLiteLLMServer, startOpenRouterServer } from '@bestviable/llm-router/testing';

const litellm = await startLiteLLMServer({ apiKey: 'sk-demo-litellm' });
const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-demo' });
// Each answer is 90 tokens long, so a few calls use up the trial budget.
for (const server of [litellm, openrouter]) server.setReply(() => ({ text: 'ok', completionTokens: 90 }));

const router = createRouter({
  gateways: {
    litellm: { baseURL: litellm.baseURL, apiKey: 'sk-demo-litellm' },
    openrouter: { baseURL: openrouter.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  // Listing providers enables only those listed.
  providers: { openai: {}, anthropic: { limits: { requestsPerMinute: 3 } } },
  limits: { users: { 'user-trial': { budgetUsdPerDay: 0.002 } } },
  logger: false,
});
const describe = (event: LimitReachedEvent) =>
  `${event.scope} ${event.limit}: used ${event.used}, reserved ${event.reserved}, size ${event.size}, requested ${event.requested} ${event.unit}`;
router.on('quota-exhausted', (event) => console.log(`  ⚠ quota-exhausted ${describe(event)}`));
router.on('limit-reached', (event) => console.log(`  ⚠ limit-reached ${describe(event)}`));

/** Calls until one is refused by a limit (at most `max` calls); prints each and the refusal. */
async function callUntilRefused(label: string, options: ChatOptions, max = 20): Promise<void> {
  for (let call = 1; call <= max; call++) {
    try {
      const { route, cost } = await router.chat(options);
      console.log(`  ${label} call ${call}: ok via ${route.gateway}, $${cost.usd.toFixed(6)}`);
    } catch (error) {
      if (!LimitExceededError.isInstance(error)) throw error;
      console.log(`  ${label} call ${call}: refused`);
      console.log(`    ${error.name}: ${error.message}`);
      const { scope, limit, kind, unit, used, reserved, size, requested, retryAfterMs, resetsAt, tooLarge } =
        error;
      console.log(
        `    ${JSON.stringify({ scope, limit, kind, unit, used, reserved, size, requested, retryAfterMs, tooLarge })}`,
      );
      console.log(`    resetsAt ${new Date(resetsAt).toISOString()}`);
      return;
    }
  }
  console.log(`  ${label}: no refusal in ${max} calls`);
}

const messages: ChatOptions['messages'] = [{ role: 'user', content: 'Give me one tip.' }];

console.log('1. user-trial has $0.002 a day (each call reserves its most possible cost first):');
await callUntilRefused('user-trial', {
  user: 'user-trial',
  model: 'openai/gpt-5.4-mini',
  maxTokens: 100,
  messages,
});

console.log('\n2. Anthropic takes 3 requests a minute, whoever sends them:');
await callUntilRefused('user-42', {
  user: 'user-42',
  model: 'anthropic/claude-haiku-4-5',
  maxTokens: 100,
  messages,
});

console.log('\n3. router.limits.status():');
console.table(
  (await router.limits.status()).map((status) => ({
    scope: status.scope,
    limit: status.limit,
    unit: status.unit,
    size: status.size,
    used: status.used,
    reserved: status.reserved,
    remaining: status.remaining,
    resetsAt: new Date(status.resetsAt).toISOString(),
  })),
);

console.log('Raising the trial budget at run time with router.limits.set():');
router.limits.set('user:user-trial', { budgetUsdPerDay: 0.01 });
const reply = await router.chat({
  user: 'user-trial',
  model: 'openai/gpt-5.4-mini',
  maxTokens: 100,
  messages,
});
console.log(`  user-trial: ok via ${reply.route.gateway}, $${reply.cost.usd.toFixed(6)}`);

await router.close();
await litellm.close();
await openrouter.close();
