import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import type { LimitSettings, LimitTimeZone } from '../../src/types/limit-settings.ts';
import { denied, granted } from './helpers.ts';

const KEY = 'key:k1';
const one = { tokens: 1, costUsd: 0.5 };

function setup(start: number, limits: LimitSettings, timeZone?: LimitTimeZone) {
  const clock = createFakeClock(start);
  const limiter = createRateLimiter(
    timeZone === undefined
      ? { clock, limits: { [KEY]: limits } }
      : { clock, timeZone, limits: { [KEY]: limits } },
  );
  const call = () => limiter.reserve({ scopes: [KEY], estimate: one });
  // Reserve and settle at once: a reservation left open would be given back when its lease ends.
  const spend = async () => {
    const reservation = granted(await call());
    await limiter.settle(reservation, one);
  };
  return { clock, limiter, call, spend };
}

describe('window roll-over', () => {
  it('minute: the wall-clock minute ends at :00, however little of it was used (fixed window)', async () => {
    const { clock, call } = setup(Date.UTC(2026, 0, 1, 10, 0, 59, 500), { requestsPerMinute: 1 });
    granted(await call());
    expect(denied(await call()).retryAfterMs).toBe(500);
    await clock.advance(499);
    denied(await call());
    await clock.advance(1);
    // The burst at the boundary: a full minute's worth again, 500 ms after the last one.
    granted(await call());
    denied(await call());
  });

  it('day: rolls over at UTC midnight', async () => {
    const { clock, call } = setup(Date.UTC(2026, 0, 1, 23, 59, 59), { requestsPerDay: 1 });
    granted(await call());
    expect(denied(await call())).toMatchObject({ retryAfterMs: 1_000, resetsAt: Date.UTC(2026, 0, 2) });
    await clock.advance(1_000);
    granted(await call());
  });

  it.each([
    ['January → February (31 days)', Date.UTC(2026, 0, 31, 23, 59), Date.UTC(2026, 1, 1)],
    ['February 2026 → March (28 days)', Date.UTC(2026, 1, 28, 23, 59), Date.UTC(2026, 2, 1)],
    ['February 2028 → March (29 days)', Date.UTC(2028, 1, 29, 23, 59), Date.UTC(2028, 2, 1)],
    ['April → May (30 days)', Date.UTC(2026, 3, 30, 23, 59), Date.UTC(2026, 4, 1)],
    ['December → January', Date.UTC(2026, 11, 31, 23, 59), Date.UTC(2027, 0, 1)],
  ])('month: %s', async (_name, start, nextMonth) => {
    const { clock, call, limiter } = setup(start, { budgetUsdPerMonth: 0.5 });
    granted(await call());
    const denial = denied(await call());
    expect(denial).toMatchObject({ kind: 'quota', resetsAt: nextMonth, retryAfterMs: nextMonth - start });
    await clock.advance(nextMonth - start - 1);
    denied(await call());
    await clock.advance(1);
    granted(await call());
    expect(await limiter.status()).toMatchObject([{ used: 0, reserved: 0.5 }]);
  });

  it('a leap day belongs to February, not March', async () => {
    const { clock, call, spend } = setup(Date.UTC(2028, 1, 28, 12), { budgetUsdPerMonth: 0.5 });
    await spend();
    await clock.advance(24 * 3_600_000);
    // 29 Feb 2028 12:00: still February.
    expect(denied(await call()).resetsAt).toBe(Date.UTC(2028, 2, 1));
  });

  it('day and month in UTC+1 roll over at 23:00 UTC', async () => {
    const { clock, call } = setup(
      Date.UTC(2026, 11, 31, 22, 59),
      { budgetUsdPerDay: 0.5, budgetUsdPerMonth: 1 },
      60,
    );
    granted(await call());
    const denial = denied(await call());
    expect(denial).toMatchObject({ limit: 'budgetUsdPerDay', resetsAt: Date.UTC(2026, 11, 31, 23) });
    await clock.advance(60_000);
    // 23:00 UTC on 31 December is midnight on 1 January in UTC+1: a new day and a new month.
    const next = granted(await call());
    expect(next.entries.map((entry) => [entry.limit, entry.windowStartMs])).toEqual([
      ['budgetUsdPerDay', Date.UTC(2026, 11, 31, 23)],
      ['budgetUsdPerMonth', Date.UTC(2026, 11, 31, 23)],
    ]);
  });

  it('day in UTC-5 rolls over at 05:00 UTC, not at UTC midnight', async () => {
    const { clock, call, spend } = setup(Date.UTC(2026, 0, 1, 23, 59), { requestsPerDay: 1 }, -300);
    await spend();
    await clock.advance(60_000);
    // UTC midnight: still 1 January (19:00) in UTC-5.
    expect(denied(await call())).toMatchObject({ resetsAt: Date.UTC(2026, 0, 2, 5) });
    await clock.advance(5 * 3_600_000 - 1);
    denied(await call());
    await clock.advance(1);
    granted(await call());
  });

  it('a call settled after its window ended counts in the window it was reserved in', async () => {
    const { clock, call, limiter } = setup(Date.UTC(2026, 0, 1, 23, 59, 59), {
      tokensPerDay: 100,
      budgetUsdPerMonth: 10,
    });
    const reservation = granted(
      await limiter.reserve({ scopes: [KEY], estimate: { tokens: 80, costUsd: 1 } }),
    );
    await clock.advance(2_000);
    await limiter.settle(reservation, { tokens: 60, costUsd: 0.75 });
    // The new day is untouched; the month (still January) has the actual cost.
    expect((await limiter.status()).map(({ limit, used, reserved }) => [limit, used, reserved])).toEqual([
      ['tokensPerDay', 0, 0],
      ['budgetUsdPerMonth', 0.75, 0],
    ]);
    granted(await call());
  });
});
