import { describe, expect, test } from 'vitest';
import { AllCandidatesFailedError, type RankingInput, StreamInterruptedError } from '../../src/index.ts';
import type { ChatServer } from '../../src/testing/index.ts';
import { NANO_USD_PER_USD, usdToNanoUsd } from '../../src/usage/index.ts';
import { drive } from '../helpers/drive.ts';
import { type GatewayFixture, hello, startGateways } from '../helpers/gateways.ts';

// OpenRouter bills some errors: a 200 answer (or stream event) carrying an error and `usage.cost`.
// Every cost a gateway reported, for a failed attempt too, is the call's cost: the ledger must sum
// to what the gateways billed (the loopback servers count what they reported, in nano-USD).

const openRouterFirst = (inputs: readonly RankingInput[]) =>
  [...inputs].sort(
    (a, b) => Number(b.candidate.gateway === 'openrouter') - Number(a.candidate.gateway === 'openrouter'),
  );

async function ledgerNanoUsd(fixture: GatewayFixture): Promise<number> {
  let total = 0;
  for (const record of await fixture.router.usage.query()) total += usdToNanoUsd(record.costUsd);
  return total;
}

const billed = (...servers: ChatServer[]) =>
  servers.reduce((sum, server) => sum + server.reportedCostNanoUsd, 0);

/** The user's budget was charged what was billed (the limit store counts whole micro-dollars, rounded per settlement). */
async function expectBudgetCharged(fixture: GatewayFixture, usd: number, settlements: number): Promise<void> {
  const status = await fixture.router.limits.status(['user:u1']);
  const used = status.find((entry) => entry.limit === 'budgetUsdPerDay')?.used ?? Number.NaN;
  expect(Math.abs(used - usd)).toBeLessThanOrEqual(settlements * 0.5e-6 + 1e-12);
}

const setup = () =>
  startGateways({
    ranking: openRouterFirst,
    limits: { users: { u1: { budgetUsdPerDay: 5 } } },
  });

describe('costs billed for failed attempts', () => {
  test('a billed in-body error on OpenRouter, then LiteLLM answers: the call costs both', async () => {
    const fixture = await setup();
    const { router, litellm, openrouter } = fixture;
    openrouter.fail({ errorInBody: { code: 502, message: 'upstream died' }, costUsd: 0.0021 });
    const reply = await router.chat({ ...hello, user: 'u1' });
    expect(reply.route.gateway).toBe('litellm');
    expect(reply.attempts[0]?.error).toMatchObject({ kind: 'unavailable', billedCostUsd: 0.0021 });
    expect(openrouter.reportedCostNanoUsd).toBe(2_100_000);
    expect(usdToNanoUsd(reply.cost.usd)).toBe(billed(litellm, openrouter));
    expect(reply.cost.source).toBe('gateway');
    expect(await ledgerNanoUsd(fixture)).toBe(billed(litellm, openrouter));
    await expectBudgetCharged(fixture, billed(litellm, openrouter) / NANO_USD_PER_USD, 2);
  });

  test('every attempt failed, one of them billed: the failed call is recorded at that cost', async () => {
    const fixture = await setup();
    const { router, litellm, openrouter } = fixture;
    await litellm.down();
    openrouter.fail({ errorInBody: { code: 502, message: 'upstream died' }, costUsd: 0.0013 });
    const error = await router.chat({ ...hello, user: 'u1' }).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    const [record] = await router.usage.query();
    expect(record).toMatchObject({ status: 'error', costUsd: 0.0013, costSource: 'gateway' });
    expect(await ledgerNanoUsd(fixture)).toBe(billed(openrouter));
    await expectBudgetCharged(fixture, 0.0013, 1);
  });

  test('a billed failure retried on the same candidate counts once per try', async () => {
    const fixture = await startGateways({
      gateways: { litellm: { enabled: false } },
      limits: { users: { u1: { budgetUsdPerDay: 5 } } },
    });
    const { router, openrouter, clock } = fixture;
    // A 500 is retried on the same target; both tries are billed, the third answers.
    openrouter.fail({ errorInBody: { code: 500, message: 'hiccup' }, costUsd: 0.0004 }, { times: 2 });
    const reply = await drive(clock, router.chat({ ...hello, user: 'u1' }));
    expect(reply.attempts[0]?.tries).toBe(3);
    expect(usdToNanoUsd(reply.cost.usd)).toBe(billed(openrouter));
    expect(await ledgerNanoUsd(fixture)).toBe(billed(openrouter));
    await expectBudgetCharged(fixture, billed(openrouter) / NANO_USD_PER_USD, 1);
  });

  test('streams: a billed error event before content falls back and is counted', async () => {
    const fixture = await setup();
    const { router, litellm, openrouter } = fixture;
    openrouter.fail({ errorInBody: { code: 502, message: 'upstream died' }, costUsd: 0.0017 });
    const result = await router.stream({ ...hello, user: 'u1' }).result;
    expect(result.route.gateway).toBe('litellm');
    expect(usdToNanoUsd(result.cost.usd)).toBe(billed(litellm, openrouter));
    expect(await ledgerNanoUsd(fixture)).toBe(billed(litellm, openrouter));
  });

  test('streams: a billed error event after content is the broken stream’s cost', async () => {
    const fixture = await setup();
    const { router, openrouter, litellm } = fixture;
    openrouter.fail({ errorAfterChunks: 2, code: 502, message: 'cut', costUsd: 0.0009 });
    const error = await router.stream({ ...hello, user: 'u1' }).result.catch((caught: unknown) => caught);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as StreamInterruptedError).cost).toEqual({ usd: 0.0009, source: 'gateway' });
    expect(await ledgerNanoUsd(fixture)).toBe(billed(litellm, openrouter));
    await expectBudgetCharged(fixture, 0.0009, 1);
  });
});
