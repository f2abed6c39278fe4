import { describe, expect, test } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.ts';
import {
  breakerFor,
  decideNextStep,
  FAILURE_RULES,
  type FailedTry,
  RETRY_RULES,
  type RetrySituation,
} from '../../src/router/decide-next-step.ts';
import type { GatewayErrorKind } from '../../src/types/error-kinds.ts';

const policy = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 4_000, maxRetryAfterMs: 5_000 };
const lastCandidate: RetrySituation = {
  tries: 1,
  hasAlternative: false,
  now: 0,
  deadline: 60_000,
  jitter: 0.5,
  policy,
};
const withAlternative: RetrySituation = { ...lastCandidate, hasAlternative: true };

function failure(
  kind: GatewayErrorKind,
  extra: { retryAfterMs?: number; scope?: 'gateway' | 'provider' } = {},
): FailedTry['error'] {
  return { kind, scope: extra.scope ?? 'gateway', retryAfterMs: extra.retryAfterMs };
}

describe('decideNextStep: the same candidate again', () => {
  // One row per rule of RETRY_RULES, in its order, plus the abort that precedes them.
  const rows: readonly {
    readonly name: string;
    readonly input: FailedTry;
    readonly step: { action: string; delayMs?: number; rule?: string };
  }[] = [
    {
      name: 'an aborted call stops, whatever the kind',
      input: { error: failure('server-error'), callAborted: true, retry: lastCandidate },
      step: { action: 'stop', rule: 'the call was aborted' },
    },
    {
      name: 'a 503 is never retried on the same candidate',
      input: { error: failure('unavailable'), callAborted: false, retry: lastCandidate },
      step: { action: 'move-on', rule: 'unavailable: next' },
    },
    {
      name: 'a 500 after maxRetries retries moves on',
      input: { error: failure('server-error'), callAborted: false, retry: { ...lastCandidate, tries: 3 } },
      step: { action: 'move-on' },
    },
    {
      name: 'a 429 with another candidate left moves on at once',
      input: { error: failure('rate-limited'), callAborted: false, retry: withAlternative },
      step: { action: 'move-on', rule: 'rate-limited: next' },
    },
    {
      name: 'a 500 with Retry-After and another candidate left moves on instead of waiting',
      input: {
        error: failure('server-error', { retryAfterMs: 1_000 }),
        callAborted: false,
        retry: withAlternative,
      },
      step: { action: 'move-on' },
    },
    {
      name: 'a reset after the immediate retry, with another candidate left, moves on',
      input: {
        error: failure('connection-reset'),
        callAborted: false,
        retry: { ...withAlternative, tries: 2 },
      },
      step: { action: 'move-on' },
    },
    {
      name: 'a first reset with another candidate left is retried at once',
      input: { error: failure('connection-reset'), callAborted: false, retry: withAlternative },
      step: { action: 'retry', delayMs: 0, rule: 'another candidate remains: one immediate retry' },
    },
    {
      name: 'a Retry-After above maxRetryAfterMs on the last candidate is not waited for',
      input: {
        error: failure('rate-limited', { retryAfterMs: 30_000 }),
        callAborted: false,
        retry: lastCandidate,
      },
      step: { action: 'move-on', rule: 'rate-limited: next' },
    },
    {
      name: 'a wait that would reach the deadline gives up',
      input: {
        error: failure('rate-limited', { retryAfterMs: 2_000 }),
        callAborted: false,
        retry: { ...lastCandidate, now: 59_000 },
      },
      step: { action: 'move-on' },
    },
    {
      name: 'a short Retry-After on the last candidate is waited for exactly',
      input: {
        error: failure('rate-limited', { retryAfterMs: 2_000 }),
        callAborted: false,
        retry: lastCandidate,
      },
      step: { action: 'retry', delayMs: 2_000 },
    },
    {
      name: 'a 500 on the last candidate backs off: base × 2^(tries-1), jitter 0.5 = ×1.0',
      input: { error: failure('server-error'), callAborted: false, retry: { ...lastCandidate, tries: 2 } },
      step: { action: 'retry', delayMs: 500 },
    },
  ];

  test.each(rows)('$name', ({ input, step }) => {
    expect(decideNextStep(input)).toMatchObject(step);
  });

  test('every retry rule is exercised by a row, in order', () => {
    const ruled = rows.map((row) => {
      const { error, retry } = row.input;
      if (row.input.callAborted || !retry) return undefined;
      const waitMs = error.retryAfterMs ?? 0;
      return RETRY_RULES.find((rule) => rule.applies(error, retry, waitMs))?.rule;
    });
    for (const rule of RETRY_RULES) expect(ruled).toContain(rule.rule);
  });

  test('the backoff has ±20 % jitter from the injected random and is capped at maxDelayMs', () => {
    const step = (jitter: number, tries: number) =>
      decideNextStep({
        error: failure('bad-response'),
        callAborted: false,
        retry: { ...lastCandidate, tries, jitter, policy: { ...policy, maxRetries: 10 } },
      });
    expect(step(0, 1)).toMatchObject({ action: 'retry', delayMs: 200 });
    expect(step(0.999_999, 1)).toMatchObject({ action: 'retry', delayMs: 300 });
    expect(step(0.5, 8)).toMatchObject({ action: 'retry', delayMs: 4_000 });
  });
});

describe('decideNextStep: once the candidate is done', () => {
  const rows: readonly {
    readonly kind: GatewayErrorKind;
    readonly scope?: 'gateway' | 'provider';
    readonly step: Record<string, unknown>;
  }[] = [
    { kind: 'invalid-request', step: { action: 'stop', because: 'rejected' } },
    { kind: 'content-filter', step: { action: 'stop', because: 'rejected' } },
    {
      kind: 'context-window',
      scope: 'provider',
      step: { action: 'move-on', largerContextOnly: true, skipGateway: false },
    },
    { kind: 'connection-refused', step: { action: 'move-on', skipGateway: true } },
    { kind: 'unavailable', scope: 'provider', step: { action: 'move-on', skipGateway: false } },
    { kind: 'provider-auth', scope: 'provider', step: { action: 'move-on', reportKey: true } },
    { kind: 'rate-limited', step: { action: 'move-on', skipGateway: false, reportKey: false } },
    { kind: 'model-not-found', step: { action: 'move-on', skipGateway: false } },
  ];
  test.each(rows)('$kind ($scope)', ({ kind, scope, step }) => {
    expect(
      decideNextStep({ error: failure(kind, { scope: scope ?? 'gateway' }), callAborted: false }),
    ).toMatchObject(step);
  });
});

describe('breakerFor: which breaker counts a failure', () => {
  test.each([
    { kind: 'connection-refused', scope: 'gateway', level: 'gateway' },
    { kind: 'unavailable', scope: 'provider', level: 'gateway-provider' },
    { kind: 'gateway-auth', scope: 'gateway', level: 'gateway' },
    { kind: 'rate-limited', scope: 'gateway', level: 'none' },
    { kind: 'invalid-request', scope: 'gateway', level: 'none' },
    { kind: 'provider-auth', scope: 'provider', level: 'none' },
  ] as const)('$kind in scope $scope → $level', ({ kind, scope, level }) => {
    expect(breakerFor({ kind, scope })).toBe(level);
  });
});

describe('GatewayError tells callers what the table says', () => {
  test.each(Object.keys(FAILURE_RULES) as GatewayErrorKind[])('%s', (kind) => {
    const error = new GatewayError({ kind, gateway: 'litellm', message: 'x' });
    const rule = FAILURE_RULES[kind];
    expect(error.isRetryable).toBe(rule.sameCandidate !== 'never');
    expect(error.isFinal).toBe(rule.after === 'stop');
    expect(error.countsTowardBreaker).toBe(rule.countsInBreaker);
  });
});
