import type { CostComparison, ModelCatalog } from '@bestviable/llm-router';
import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { type Flags, flagError } from '../flags.ts';
import { formatTable, formatUsd } from '../format-table.ts';
import { createRouterFromFlags, GATEWAY_OPTIONS } from '../options/gateway-options.ts';
import { REQUIREMENT_OPTIONS, readRequirements } from '../options/requirement-options.ts';
import { readWholeNumber } from '../read-values.ts';

/** A catalog id, or a model's name on one of its gateways (what `compareCosts` accepts). */
function known(catalog: ModelCatalog, name: string): boolean {
  return (
    catalog.get(name) !== undefined ||
    catalog.list().some((model) => Object.values(model.gatewayModels).includes(name))
  );
}

function unknownModel(flags: Flags, name: string) {
  const shown = /^[\w.:@/-]{1,120}$/.test(name) ? `"${name}"` : 'a model';
  return flagError(
    flags,
    'model',
    `${shown} is not in the catalog, by id or gateway name; run llm-router models for the list.`,
  );
}

function comparisonTable(comparison: CostComparison): string {
  if (comparison.rows.length === 0) return 'No configured offer serves such a call.\n';
  const table = formatTable(
    [
      { header: '#', align: 'right' },
      { header: 'MODEL' },
      { header: 'PROVIDER' },
      { header: 'GATEWAY' },
      { header: 'GATEWAY MODEL' },
      { header: 'INPUT $', align: 'right' },
      { header: 'OUTPUT $', align: 'right' },
      { header: 'TOTAL $', align: 'right' },
    ],
    comparison.rows.map((row, index) => [
      String(index + 1),
      row.model,
      row.provider,
      row.gateway,
      row.gatewayModel,
      formatUsd(row.inputCostUsd),
      formatUsd(row.outputCostUsd),
      formatUsd(row.totalCostUsd),
    ]),
  );
  return `${table}\nCheapest first; catalog prices as of ${comparison.pricesAsOf}.\n`;
}

/** `llm-router compare-costs`: `router.compareCosts()` on the configured gateways. */
export const compareCostsCommand: CommandSpec = {
  path: ['compare-costs'],
  summary: 'Price one call of a given size on every offer that can serve it, cheapest first.',
  details: [
    'Offers are model x gateway on the gateways configured as for health: LiteLLM always, OpenRouter only',
    'when its key is set. Nothing is sent. Name models with --model, or describe them with --require,',
    '--min-context and --provider. Exits 0, also when no offer matches (no rows).',
  ],
  options: {
    model: {
      type: 'string',
      multiple: true,
      placeholder: '<id>',
      description: 'A catalog id (openai/gpt-5.4-mini) or a gateway model name; comma-separated or repeated.',
    },
    ...REQUIREMENT_OPTIONS,
    'input-tokens': {
      type: 'string',
      placeholder: '<n>',
      description: 'Prompt tokens of the call (required).',
    },
    'output-tokens': {
      type: 'string',
      placeholder: '<n>',
      description: 'Output tokens of the call (required).',
    },
    'cached-input-tokens': {
      type: 'string',
      placeholder: '<n>',
      description: 'Of the prompt tokens, those read from the prompt cache. Default 0.',
    },
    ...GATEWAY_OPTIONS,
  },
  examples: [
    'llm-router compare-costs --require tools,json --min-context 64000 --input-tokens 2000 --output-tokens 500',
    'llm-router compare-costs --model anthropic/claude-sonnet-4-6 --input-tokens 10000 --output-tokens 1000 --json',
  ],
  async run({ io, flags, json, verbose }) {
    const inputTokens = readWholeNumber(flags, 'input-tokens');
    const outputTokens = readWholeNumber(flags, 'output-tokens');
    if (inputTokens === undefined)
      throw flagError(flags, 'input-tokens', 'missing; pass the prompt size, e.g. 2000.');
    if (outputTokens === undefined)
      throw flagError(flags, 'output-tokens', 'missing; pass the output size, e.g. 500.');
    const cachedInputTokens = readWholeNumber(flags, 'cached-input-tokens');
    const models = flags.list('model');
    const require = readRequirements(flags);
    const router = createRouterFromFlags(io, flags, verbose);
    try {
      for (const name of models ?? []) if (!known(router.catalog, name)) throw unknownModel(flags, name);
      const comparison = router.compareCosts({
        inputTokens,
        outputTokens,
        require,
        ...(models === undefined ? {} : { model: models }),
        ...(cachedInputTokens === undefined ? {} : { cachedInputTokens }),
      });
      io.out(json ? `${JSON.stringify(comparison, null, 2)}\n` : comparisonTable(comparison));
      return EXIT_CODES.ok;
    } finally {
      await router.close();
    }
  },
};
