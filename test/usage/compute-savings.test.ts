import { expect, it } from 'vitest';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import type { ModelDefinition, ModelPricing } from '../../src/types/model.ts';
import type { UsageRecord } from '../../src/types/usage-record.ts';
import type { SavingsOptions, UsageSavings } from '../../src/types/usage-savings.ts';
import {
  attributeCosts,
  type CostAttribution,
  type CostAttributionOptions,
} from '../../src/usage/attribute-costs.ts';
import { computeSavings } from '../../src/usage/compute-savings.ts';
import { createRouterUsage } from '../../src/usage/create-router-usage.ts';
import { reportToJson } from '../../src/usage/report-to-json.ts';
import { usageRecord } from './generate-records.ts';
import { reportSubjects } from './report-subjects.ts';

function model(id: string, pricing: ModelPricing, extra: Partial<ModelDefinition> = {}): ModelDefinition {
  return {
    id,
    provider: 'openai',
    name: id,
    tier: 'cheap',
    contextWindow: 100_000,
    maxOutputTokens: 10_000,
    pricing,
    capabilities: { tools: true, vision: false, json: true, streaming: true },
    gatewayModels: { litellm: id, openrouter: id },
    ...extra,
  };
}

// Round prices, so the expected amounts below can be worked out by hand.
const catalog = createModelCatalog({
  includeDefaults: false,
  models: [
    model('test/cheap', { inputPerToken: 1e-7, outputPerToken: 4e-7, cachedInputPerToken: 1e-8 }),
    model(
      'test/mid',
      { inputPerToken: 1e-6, outputPerToken: 2e-6 },
      { gatewayModels: { litellm: 'test/mid' } },
    ),
    model(
      'test/flagship',
      { inputPerToken: 5e-6, outputPerToken: 2e-5, cachedInputPerToken: 5e-7 },
      { gatewayPricing: { openrouter: { inputPerToken: 6e-6, outputPerToken: 2.4e-5 } } },
    ),
  ],
});

const records = [
  // 1,000 in (200 cached), 100 out on cheap: 800 × 1e-7 + 200 × 1e-8 + 100 × 4e-7 = 0.000122
  usageRecord({
    callId: 'a',
    model: 'test/cheap',
    inputTokens: 1_000,
    cachedInputTokens: 200,
    outputTokens: 100,
    costUsd: 0.000122,
  }),
  // 2,000 in, 500 out on cheap: 0.0002 + 0.0002 = 0.0004
  usageRecord({ callId: 'b', model: 'test/cheap', inputTokens: 2_000, outputTokens: 500, costUsd: 0.0004 }),
  // A failed call: left out.
  usageRecord({
    callId: 'c',
    model: 'test/cheap',
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    costSource: 'none',
    status: 'error',
  }),
  // A successful call without a price: left out, counted.
  usageRecord({
    callId: 'd',
    model: 'test/cheap',
    inputTokens: 9_999,
    outputTokens: 9_999,
    costUsd: 0,
    costSource: 'none',
  }),
];

for (const subject of await reportSubjects('savings')) {
  // Memory: the pure functions; PostgreSQL: the same figures from its SQL report.
  const savingsOf = async (
    records: readonly UsageRecord[],
    options: SavingsOptions,
  ): Promise<UsageSavings | undefined> =>
    subject.name === 'buildUsageReport'
      ? computeSavings(records, options)
      : (await subject.report(records, { savings: options })).savings;
  const attribute = async (
    records: readonly UsageRecord[],
    options: CostAttributionOptions,
  ): Promise<CostAttribution> =>
    subject.name === 'buildUsageReport'
      ? attributeCosts(records, options)
      : createRouterUsage(await subject.tracker(records), catalog).attribute(options);

  subject.describe(`${subject.name}: savings line`, () => {
    it('prices the same token counts on a baseline model you name, at its list price', async () => {
      // On flagship: 2,800 uncached × 5e-6 + 200 cached × 5e-7 + 600 out × 2e-5 = 0.014 + 0.0001 + 0.012
      expect(await savingsOf(records, { catalog, baseline: { model: 'test/flagship' } })).toEqual({
        baselineModel: 'test/flagship',
        baselineGateway: null,
        calls: 2,
        unpricedCalls: 1,
        actualUsd: 0.000522,
        baselineUsd: 0.0261,
        savedUsd: 0.025578,
        actualUsdExact: '0.000522000',
        baselineUsdExact: '0.026100000',
        savedUsdExact: '0.025578000',
        invalidRecords: 0,
      });
    });

    it("uses a gateway's own price when the baseline names the gateway", async () => {
      // OpenRouter's flagship offer has no cache price: 3,000 × 6e-6 + 600 × 2.4e-5 = 0.018 + 0.0144
      const savings = await savingsOf(records, {
        catalog,
        baseline: { model: 'test/flagship', gateway: 'openrouter' },
      });
      expect(savings).toMatchObject({
        baselineGateway: 'openrouter',
        baselineUsdExact: '0.032400000',
        savedUsdExact: '0.031878000',
      });
    });

    it('picks the most expensive offer among the models that served and those you could route to', async () => {
      const served = await savingsOf(records, { catalog, baseline: { mostExpensive: true } });
      // Only cheap served: its dearest offer is its own price (the same on both gateways; LiteLLM first).
      expect(served).toMatchObject({
        baselineModel: 'test/cheap',
        baselineGateway: 'litellm',
        savedUsdExact: '0.000000000',
      });
      const couldServe = await savingsOf(records, {
        catalog,
        baseline: { mostExpensive: true, models: ['test/mid', 'test/flagship'] },
      });
      expect(couldServe).toMatchObject({
        baselineModel: 'test/flagship',
        baselineGateway: 'openrouter',
        baselineUsdExact: '0.032400000',
      });
    });

    it('is positive against a dearer baseline and negative against a cheaper one', async () => {
      // On mid (LiteLLM, no cache price): 3,000 × 1e-6 + 600 × 2e-6 = 0.0042; saved 0.0042 - 0.000522.
      const savings = await savingsOf(records, {
        catalog,
        baseline: { model: 'test/mid', gateway: 'litellm' },
      });
      expect(savings?.savedUsdExact).toBe('0.003678000');
      // One call on flagship priced at 0.005 against cheap: 1,000 × 1e-7 = 0.0001.
      const pricey = [
        usageRecord({
          callId: 'x',
          model: 'test/flagship',
          inputTokens: 1_000,
          outputTokens: 0,
          costUsd: 0.005,
        }),
      ];
      expect(await savingsOf(pricey, { catalog, baseline: { model: 'test/cheap' } })).toMatchObject({
        baselineUsdExact: '0.000100000',
        savedUsdExact: '-0.004900000',
        savedUsd: -0.0049,
      });
    });

    it('appears in the report and its JSON when asked for', async () => {
      const report = await subject.report(records, {
        groupBy: ['model'],
        savings: { catalog, baseline: { model: 'test/flagship' } },
      });
      expect(report.savings?.savedUsd).toBe(0.025578);
      expect(JSON.parse(reportToJson(report)).savings.baselineModel).toBe('test/flagship');
      expect('savings' in (await subject.report(records, {}))).toBe(false);
    });

    it('rejects a baseline the catalog does not know', async () => {
      const reject = (run: () => Promise<unknown>) =>
        run().then(
          () => {
            throw new Error('expected a rejection');
          },
          (error: unknown) => error as InvalidRequestError,
        );
      // computeSavings names its own options; a report names them under `savings`.
      const prefix = subject.name === 'buildUsageReport' ? '' : 'savings.';
      const unknown = await reject(() => savingsOf([], { catalog, baseline: { model: 'test/nope' } }));
      expect(InvalidRequestError.isInstance(unknown) && unknown.option).toBe(`${prefix}baseline.model`);
      const wrongGateway = await reject(() =>
        savingsOf([], { catalog, baseline: { model: 'test/mid', gateway: 'openrouter' } }),
      );
      expect(wrongGateway.option).toBe(`${prefix}baseline.gateway`);
      const unknownCandidate = await reject(() =>
        subject.report([], {
          savings: { catalog, baseline: { mostExpensive: true, models: ['test/cheap', 'x/y'] } },
        }),
      );
      expect(unknownCandidate.option).toBe('savings.baseline.models[1]');
    });
  });

  subject.describe(`${subject.name}: cost attribution`, () => {
    const spend = [
      usageRecord({ callId: '1', keyId: 'byok:acme', user: 'ada', costUsd: 0.3 }),
      usageRecord({ callId: '2', keyId: 'byok:acme', user: 'bob', costUsd: 0.3 }),
      usageRecord({ callId: '3', keyId: 'gateway:litellm', user: 'ada', costUsd: 0.1 }),
      usageRecord({ callId: '4', keyId: undefined, user: 'bob', costUsd: 0, status: 'error' }),
      usageRecord({
        callId: '5',
        keyId: 'gateway:openrouter',
        user: 'cy',
        costUsd: 0.2,
        startedAt: Date.UTC(2027, 0, 1),
      }),
    ];

    it('ranks keys by spend with their share of the total', async () => {
      const byKey = await attribute(spend, { by: 'key', to: Date.UTC(2027, 0, 1) });
      expect(byKey.rows.map((row) => [row.id, row.costUsdExact, row.requests])).toEqual([
        ['byok:acme', '0.600000000', 2],
        ['gateway:litellm', '0.100000000', 1],
        [null, '0.000000000', 1],
      ]);
      expect(byKey.rows[0]?.share).toBeCloseTo(6 / 7, 12);
      expect(byKey.rows[1]?.share).toBeCloseTo(1 / 7, 12);
      expect(byKey.rows[2]?.share).toBe(0);
      expect(byKey.totals.costUsdExact).toBe('0.700000000');
      expect(byKey.to).toBe(Date.UTC(2027, 0, 1));
    });

    it('ranks users by spend', async () => {
      const byUser = await attribute(spend, { by: 'user' });
      expect(byUser.rows.map((row) => [row.id, row.costUsdExact])).toEqual([
        ['ada', '0.400000000'],
        ['bob', '0.300000000'],
        ['cy', '0.200000000'],
      ]);
      expect(byUser.rows.map((row) => row.share).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    });
  });
}
