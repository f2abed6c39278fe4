import { describe, expect, it } from 'vitest';
import type { Availability, RankingInput } from '../../src/ranking/candidate.ts';
import { availabilityScore, type RankingPolicy, rankCandidates } from '../../src/ranking/rank-candidates.ts';
import type { KnownGatewayId, ModelDefinition } from '../../src/types/model.ts';

const GATEWAY_RANK: Readonly<Record<KnownGatewayId, number>> = { litellm: 0, openrouter: 1, direct: 2 };

function model(id: string): ModelDefinition {
  return {
    id,
    provider: 'openai',
    name: id,
    tier: 'cheap',
    contextWindow: 100_000,
    maxOutputTokens: 10_000,
    pricing: { inputPerToken: 1e-6, outputPerToken: 2e-6 },
    capabilities: { tools: true, vision: false, json: true, streaming: true },
    gatewayModels: { litellm: id, openrouter: id },
  };
}

/** A ranking input named `<model>@<gateway>`, healthy unless told otherwise. */
function input(
  name: string,
  costUsd: number,
  availability: Partial<Availability> = {},
  gateway: KnownGatewayId = 'litellm',
): RankingInput {
  return {
    candidate: {
      model: model(name),
      gateway,
      gatewayModel: name,
      pricing: model(name).pricing,
      priceSource: { source: 'bundled', asOf: '2026-04-30' },
      gatewayRank: GATEWAY_RANK[gateway],
    },
    estimatedCostUsd: costUsd,
    availability: {
      breaker: 'closed',
      errorRate: 0,
      latencyMs: undefined,
      cooldownMs: 0,
      headroom: 1,
      ...availability,
    },
  };
}

const names = (inputs: readonly RankingInput[]) =>
  inputs.map((entry) => `${entry.candidate.model.id}@${entry.candidate.gateway}`);

describe('rankCandidates: cheapest', () => {
  it('orders by estimated cost, lowest first', () => {
    const ranked = rankCandidates([input('c', 0.03), input('a', 0.01), input('b', 0.02)], 'cheapest');
    expect(names(ranked)).toEqual(['a@litellm', 'b@litellm', 'c@litellm']);
  });

  it('breaks cost ties by gateway rank (LiteLLM before OpenRouter before direct)', () => {
    const ranked = rankCandidates(
      [
        input('m', 0.01, {}, 'direct'),
        input('m', 0.01, {}, 'openrouter'),
        input('m', 0.01, {}, 'litellm'),
        input('n', 0.005, {}, 'openrouter'),
      ],
      'cheapest',
    );
    expect(names(ranked)).toEqual(['n@openrouter', 'm@litellm', 'm@openrouter', 'm@direct']);
  });

  it('ignores availability: an open breaker on the cheapest candidate keeps it first', () => {
    const ranked = rankCandidates(
      [input('healthy', 0.02), input('broken', 0.01, { breaker: 'open', errorRate: 1 })],
      'cheapest',
    );
    expect(names(ranked)).toEqual(['broken@litellm', 'healthy@litellm']);
  });
});

describe('availabilityScore', () => {
  it('is 1 for a healthy candidate and 0 when refused', () => {
    expect(availabilityScore(input('a', 0))).toBe(1);
    expect(availabilityScore(input('a', 0, { breaker: 'open' }))).toBe(0);
    expect(availabilityScore(input('a', 0, { cooldownMs: 1 }))).toBe(0);
  });

  it('halves for a half-open breaker and combines error rate and headroom', () => {
    expect(availabilityScore(input('a', 0, { breaker: 'half-open' }))).toBe(0.5);
    // (1 - 0.25) * (0.5 + 0.5 / 2) = 0.75 * 0.75
    expect(availabilityScore(input('a', 0, { errorRate: 0.25, headroom: 0.5 }))).toBeCloseTo(0.5625, 12);
    // No headroom still leaves half the score: the limiter refuses at call time, ranking only demotes.
    expect(availabilityScore(input('a', 0, { headroom: 0 }))).toBe(0.5);
  });

  it('clamps error rates outside 0..1', () => {
    expect(availabilityScore(input('a', 0, { errorRate: 3 }))).toBe(0);
    expect(availabilityScore(input('a', 0, { errorRate: -1 }))).toBe(1);
  });
});

describe('rankCandidates: available', () => {
  it('puts closed before half-open before open breakers, whatever the cost', () => {
    const ranked = rankCandidates(
      [
        input('open', 0.001, { breaker: 'open' }),
        input('half', 0.002, { breaker: 'half-open' }),
        input('closed', 0.5, { breaker: 'closed' }),
      ],
      'available',
    );
    expect(names(ranked)).toEqual(['closed@litellm', 'half@litellm', 'open@litellm']);
  });

  it('demotes a candidate cooling down after a Retry-After below a healthy one', () => {
    const ranked = rankCandidates(
      [input('cooling', 0.001, { cooldownMs: 2_000 }), input('free', 0.1)],
      'available',
    );
    expect(names(ranked)).toEqual(['free@litellm', 'cooling@litellm']);
  });

  it('orders by error rate and headroom through the score', () => {
    const ranked = rankCandidates(
      [
        input('flaky', 0.001, { errorRate: 0.5 }), // 0.5
        input('busy', 0.001, { headroom: 0.2 }), // 0.6
        input('steady', 0.001, { errorRate: 0.1 }), // 0.9
        // Half-open but otherwise clean (0.5) ties with `flaky` and wins on latency.
        input('probing', 0.001, { breaker: 'half-open', latencyMs: 50 }),
      ],
      'available',
    );
    expect(names(ranked)).toEqual(['steady@litellm', 'busy@litellm', 'probing@litellm', 'flaky@litellm']);
  });

  it('breaks score ties by latency, unknown latency last, then by cost and gateway rank', () => {
    const ranked = rankCandidates(
      [
        input('unknown', 0.001),
        input('slow', 0.001, { latencyMs: 900 }),
        input('fast', 0.5, { latencyMs: 100 }),
        input('unknown-cheaper', 0.0005, {}, 'openrouter'),
        input('unknown-cheaper', 0.0005, {}, 'litellm'),
      ],
      'available',
    );
    expect(names(ranked)).toEqual([
      'fast@litellm',
      'slow@litellm',
      'unknown-cheaper@litellm',
      'unknown-cheaper@openrouter',
      'unknown@litellm',
    ]);
  });
});

describe('rankCandidates: weighted', () => {
  // expensive: cost 1/1 = 1, closed (unavailability 0), latency 100/100 = 1.
  // cheap:     cost 0.2/1 = 0.2, half-open (unavailability 0.5), latency 100/100 = 1.
  const expensive = input('expensive', 0.01, { latencyMs: 100 });
  const cheap = input('cheap', 0.002, { breaker: 'half-open', latencyMs: 100 });

  it('uses the default weights 0.5 cost, 0.4 availability, 0.1 latency', () => {
    // expensive: 0.5 * 1 + 0.4 * 0 + 0.1 * 1 = 0.6; cheap: 0.5 * 0.2 + 0.4 * 0.5 + 0.1 * 1 = 0.4.
    expect(names(rankCandidates([expensive, cheap], { weights: {} }))).toEqual([
      'cheap@litellm',
      'expensive@litellm',
    ]);
  });

  it('changes the order when availability outweighs cost', () => {
    // expensive: 0.1 * 1 + 1 * 0 = 0.1; cheap: 0.1 * 0.2 + 1 * 0.5 = 0.52.
    expect(
      names(rankCandidates([cheap, expensive], { weights: { cost: 0.1, availability: 1, latency: 0 } })),
    ).toEqual(['expensive@litellm', 'cheap@litellm']);
  });

  it('lets latency outweigh cost', () => {
    const slowCheap = input('slow-cheap', 0.005, { latencyMs: 1_000 });
    const fastDear = input('fast-dear', 0.01, { latencyMs: 100 });
    // Cost only: 0.5 vs 1.
    expect(
      names(rankCandidates([fastDear, slowCheap], { weights: { availability: 0, latency: 0 } })),
    ).toEqual(['slow-cheap@litellm', 'fast-dear@litellm']);
    // slow-cheap: 0.1 * 0.5 + 1 * 1 = 1.05; fast-dear: 0.1 * 1 + 1 * 0.1 = 0.2.
    expect(
      names(rankCandidates([slowCheap, fastDear], { weights: { cost: 0.1, availability: 0, latency: 1 } })),
    ).toEqual(['fast-dear@litellm', 'slow-cheap@litellm']);
  });

  it('counts an unknown latency as half the slowest known one', () => {
    const ranked = rankCandidates(
      [
        input('slowest', 0.001, { latencyMs: 100 }), // 1
        input('unknown', 0.001), // 50 / 100 = 0.5
        input('quick', 0.001, { latencyMs: 40 }), // 0.4
        input('medium', 0.001, { latencyMs: 60 }), // 0.6
      ],
      { weights: { cost: 0, availability: 0, latency: 1 } },
    );
    expect(names(ranked)).toEqual(['quick@litellm', 'unknown@litellm', 'medium@litellm', 'slowest@litellm']);
  });

  it('falls back to cost, then gateway rank, when scores tie', () => {
    const ranked = rankCandidates(
      [input('b', 0.002, {}, 'openrouter'), input('a', 0.003), input('b', 0.002, {}, 'litellm')],
      { weights: { cost: 0, availability: 0, latency: 0 } },
    );
    expect(names(ranked)).toEqual(['b@litellm', 'b@openrouter', 'a@litellm']);
  });

  it('handles all-zero costs without dividing by zero', () => {
    const ranked = rankCandidates([input('open', 0, { breaker: 'open' }), input('closed', 0)], {
      weights: {},
    });
    expect(names(ranked)).toEqual(['closed@litellm', 'open@litellm']);
  });
});

describe('rankCandidates: custom function', () => {
  it('returns the function’s order, which may drop candidates', () => {
    const inputs = [input('a', 0.01), input('b', 0.02, {}, 'openrouter'), input('c', 0.03)];
    let received: readonly RankingInput[] | undefined;
    const ranked = rankCandidates(inputs, (all) => {
      received = all;
      return all.filter((entry) => entry.candidate.gateway !== 'openrouter').reverse();
    });
    expect(received).toEqual(inputs);
    expect(names(ranked)).toEqual(['c@litellm', 'a@litellm']);
  });

  it('returns a copy, not the array the function returned', () => {
    const inputs = [input('a', 0.01), input('b', 0.02)];
    const chosen = [inputs[0] as RankingInput];
    const ranked = rankCandidates(inputs, () => chosen);
    expect(ranked).not.toBe(chosen);
    expect(ranked).toEqual(chosen);
  });
});

describe('rankCandidates: determinism', () => {
  const policies: [string, RankingPolicy][] = [
    ['cheapest', 'cheapest'],
    ['available', 'available'],
    ['weighted', { weights: { cost: 0.3, availability: 0.5, latency: 0.2 } }],
  ];
  const make = () => [
    input('a', 0.004, { latencyMs: 300 }),
    input('b', 0.001, { breaker: 'half-open', latencyMs: 100 }, 'openrouter'),
    input('c', 0.002, { errorRate: 0.3, latencyMs: 200 }),
    input('d', 0.003, { headroom: 0.1 }),
    input('e', 0.0001, { breaker: 'open' }, 'openrouter'),
  ];

  it.each(policies)('%s: same input, same output, input untouched', (_name, policy) => {
    const inputs = Object.freeze(make());
    const before = names(inputs);
    const first = rankCandidates(inputs, policy);
    const second = rankCandidates(inputs, policy);
    expect(names(second)).toEqual(names(first));
    expect(first).not.toBe(inputs);
    expect(names(inputs)).toEqual(before);
    expect(inputs).toEqual(make());
  });

  it.each(policies)('%s: the order does not depend on the input order', (_name, policy) => {
    const forward = rankCandidates(make(), policy);
    const backward = rankCandidates(make().reverse(), policy);
    expect(names(backward)).toEqual(names(forward));
  });
});
