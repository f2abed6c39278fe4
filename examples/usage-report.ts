/**
 * Usage and reports: who spent what, on which model, and what routing saved.
 *
 *   npm run example:usage-report
 *
 * Runs on the embedded default: loopback LiteLLM and OpenRouter servers from the test kit (no keys,
 * no network). It always runs on them: one call is made to fail on both gateways.
 *
 * A handful of calls by three users with tags, one that falls back and one that fails, then
 * `router.usage.report()` grouped by user and model with a savings line against always calling
 * `openai/gpt-5.5`, printed as a table, exported as CSV, and the spend attributed per user.
 */
import { type ChatOptions, createRouter } from '@bestviable/llm-router';
import { startLiteLLMServer, startOpenRouterServer } from '@bestviable/llm-router/testing';
import { reportToCsv } from '@bestviable/llm-router/usage';

const litellm = await startLiteLLMServer({ apiKey: 'sk-demo-litellm' });
const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-demo' });
const router = createRouter({
  gateways: {
    litellm: { baseURL: litellm.baseURL, apiKey: 'sk-demo-litellm' },
    openrouter: { baseURL: openrouter.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  retry: { maxRetries: 0 },
  logger: false,
});

const text = (content: string): ChatOptions['messages'] => [{ role: 'user', content }];
const calls: ChatOptions[] = [
  { user: 'alice', tags: ['support'], messages: text('Summarise ticket #4411 for the customer.') },
  { user: 'alice', tags: ['support'], messages: text('Draft a polite reply about the delayed refund.') },
  { user: 'alice', tags: ['support'], require: { tools: true }, messages: text('Look up order 9912.') },
  {
    user: 'bob',
    tags: ['research'],
    model: 'anthropic/claude-sonnet-4-6',
    messages: text('Compare the three vendor proposals attached and list the risks of each one.'),
  },
  {
    user: 'bob',
    tags: ['research'],
    model: 'google/gemini-2.5-pro',
    messages: text('Write a two-page literature review on retrieval-augmented generation.'),
  },
  {
    user: 'carol',
    tags: ['billing'],
    model: 'openai/gpt-5.4-mini',
    messages: text('Classify this invoice.'),
  },
];

async function call(options: ChatOptions): Promise<void> {
  const who = String(options.user).padEnd(6);
  try {
    const { route, cost, attempts } = await router.chat(options);
    const note = attempts.length > 1 ? `  (fell back from ${attempts[0]?.route.gateway})` : '';
    console.log(
      `  ${who} ${route.model.padEnd(30)} via ${route.gateway.padEnd(10)} $${cost.usd.toFixed(6)}${note}`,
    );
  } catch (error) {
    console.log(`  ${who} failed: ${(error as Error).name}`);
  }
}

console.log('Calls:');
for (const options of calls) await call(options);
// LiteLLM answers 503 once: the call falls back to OpenRouter (counted in `fallbacks`).
litellm.fail({ status: 503 });
await call({
  user: 'carol',
  tags: ['billing'],
  model: 'openai/gpt-5.4-mini',
  messages: text('And this one?'),
});
// Both gateways answer 503: the call fails, and is still recorded (counted in `failures`).
litellm.fail({ status: 503 });
openrouter.fail({ status: 503 });
await call({ user: 'carol', tags: ['billing'], model: 'openai/gpt-5.4-mini', messages: text('One more?') });

const report = await router.usage.report({
  groupBy: ['user', 'model'],
  savings: { baseline: { model: 'openai/gpt-5.5' } },
});

console.log('\nReport by user and model:');
console.table(
  report.rows.map((row) => ({
    user: row.group.user,
    model: row.group.model,
    requests: row.requests,
    failures: row.failures,
    fallbacks: row.fallbacks,
    tokens: row.inputTokens + row.outputTokens,
    usd: row.costUsdExact,
    p95Ms: row.p95LatencyMs,
  })),
);
console.log(
  `Totals: ${report.totals.requests} calls, ${report.totals.failures} failed, ${report.totals.fallbacks} fell back, $${report.totals.costUsdExact}`,
);
const { savings } = report;
if (savings) {
  console.log(
    `Savings: the ${savings.calls} successful calls cost $${savings.actualUsdExact}; ` +
      `on ${savings.baselineModel} they would have cost $${savings.baselineUsdExact}: saved $${savings.savedUsdExact}`,
  );
}

console.log('\nCSV export (reportToCsv):');
console.log(reportToCsv(report));

console.log('Spend per user (router.usage.attribute):');
const byUser = await router.usage.attribute({ by: 'user' });
for (const row of byUser.rows) {
  console.log(`  ${String(row.id).padEnd(6)} $${row.costUsdExact}  ${(row.share * 100).toFixed(1)} %`);
}

await router.close();
await litellm.close();
await openrouter.close();
