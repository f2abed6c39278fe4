import { describe, expect, test } from 'vitest';
import { createModelCatalog } from '../../src/catalog/index.ts';
import { createRouter } from '../../src/index.ts';
import { runCli } from './run-cli.ts';

const OPENROUTER = { OPENROUTER_API_KEY: 'sk-or-v1-costs-0123456789abcdef' };

describe('llm-router models', () => {
  test('lists the whole catalog as an aligned table', async () => {
    const run = await runCli(['models']);
    expect(run.code).toBe(0);
    const catalog = createModelCatalog();
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL +PROVIDER +TIER +CONTEXT +MAX OUT +IN \$\/M +OUT \$\/M/);
    for (const model of catalog.list())
      expect(run.stdout).toMatch(new RegExp(`^${model.id} +${model.provider} `, 'm'));
    // Columns line up: every row's PROVIDER cell starts where the header's does.
    const column = lines[0]?.indexOf('PROVIDER') ?? -1;
    for (const line of lines.slice(1, catalog.list().length + 1)) expect(line[column - 1]).toBe(' ');
    expect(run.stdout).toContain(
      `${catalog.list().length} model(s); list prices in USD per million tokens as of ${catalog.date}.`,
    );
  });

  test('--require, --min-context and --provider filter; --json gives the definitions', async () => {
    const run = await runCli([
      'models',
      '--require',
      'tools,vision',
      '--min-context',
      '200000',
      '--provider',
      'google,anthropic',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const { models, pricesAsOf } = JSON.parse(run.stdout);
    const expected = createModelCatalog()
      .list()
      .filter(
        (model) =>
          model.capabilities.tools &&
          model.capabilities.vision &&
          model.contextWindow >= 200_000 &&
          (model.provider === 'google' || model.provider === 'anthropic'),
      );
    expect(expected.length).toBeGreaterThan(0);
    expect(models).toEqual(expected);
    expect(pricesAsOf).toBe(createModelCatalog().date);
  });

  test('a price per million tokens is the per-token price times a million', async () => {
    const model = createModelCatalog().get('openai/gpt-5.4-mini');
    if (!model) throw new Error('the catalog lost openai/gpt-5.4-mini');
    const run = await runCli(['models', '--provider', 'openai']);
    const row = run.stdout.split('\n').find((line) => line.startsWith('openai/gpt-5.4-mini '));
    const cells = row?.trim().split(/ +/) ?? [];
    expect(Number(cells[5])).toBeCloseTo(model.pricing.inputPerToken * 1e6, 9);
    expect(Number(cells[6])).toBeCloseTo(model.pricing.outputPerToken * 1e6, 9);
  });
});

describe('llm-router compare-costs', () => {
  test('gives what router.compareCosts gives for the same gateways, cheapest first', async () => {
    const run = await runCli(
      [
        'compare-costs',
        '--require',
        'tools,json',
        '--min-context',
        '64000',
        '--input-tokens',
        '2000',
        '--output-tokens',
        '500',
        '--json',
      ],
      { env: OPENROUTER },
    );
    expect(run.code).toBe(0);
    const router = createRouter({
      logger: false,
      gateways: { openrouter: { apiKey: OPENROUTER.OPENROUTER_API_KEY } },
    });
    const expected = router.compareCosts({
      require: { tools: true, json: true, minContextTokens: 64_000 },
      inputTokens: 2000,
      outputTokens: 500,
    });
    await router.close();
    const comparison = JSON.parse(run.stdout);
    expect(comparison).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(comparison.rows.some((row: { gateway: string }) => row.gateway === 'openrouter')).toBe(true);
    const totals = comparison.rows.map((row: { totalCostUsd: number }) => row.totalCostUsd);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
  });

  test('the table numbers each offer and shows its total', async () => {
    const run = await runCli([
      'compare-costs',
      '--model',
      'openai/gpt-5.4-mini',
      '--input-tokens',
      '1000000',
      '--output-tokens',
      '0',
    ]);
    expect(run.code).toBe(0);
    const model = createModelCatalog().get('openai/gpt-5.4-mini');
    const price = (model?.pricing.inputPerToken ?? 0) * 1e6;
    expect(run.stdout).toMatch(
      /^ *# +MODEL +PROVIDER +GATEWAY +GATEWAY MODEL +INPUT \$ +OUTPUT \$ +TOTAL \$$/m,
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^ *1 +openai/gpt-5\\.4-mini +openai +litellm +\\S+ +${price.toFixed(4).replace('.', '\\.')} +0 +${price.toFixed(4).replace('.', '\\.')}$`,
        'm',
      ),
    );
    // Without an OpenRouter key, only LiteLLM's offer is configured.
    expect(run.stdout).not.toMatch(/ openrouter /);
  });

  test('several --model values, repeated or comma-separated', async () => {
    const run = await runCli([
      'compare-costs',
      '--model',
      'openai/gpt-5.4-mini,anthropic/claude-haiku-4-5',
      '--model',
      'google/gemini-2.5-flash-lite',
      '--input-tokens',
      '10',
      '--output-tokens',
      '10',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const models = new Set(JSON.parse(run.stdout).rows.map((row: { model: string }) => row.model));
    expect(models).toEqual(
      new Set(['openai/gpt-5.4-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash-lite']),
    );
  });

  test('no matching offer is an empty answer, not a failure', async () => {
    const run = await runCli([
      'compare-costs',
      '--min-context',
      '100000000',
      '--input-tokens',
      '1',
      '--output-tokens',
      '1',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No configured offer serves such a call.\n');
  });
});
