import type { ModelDefinition, ModelRequirements } from '@bestviable/llm-router';
import { createModelCatalog } from '@bestviable/llm-router/catalog';
import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { formatCount, formatTable, perMillion } from '../format-table.ts';
import { REQUIREMENT_OPTIONS, readRequirements } from '../options/requirement-options.ts';

function meets(model: ModelDefinition, requirements: ModelRequirements): boolean {
  if (requirements.tools && !model.capabilities.tools) return false;
  if (requirements.json && !model.capabilities.json) return false;
  if (requirements.vision && !model.capabilities.vision) return false;
  if (requirements.minContextTokens !== undefined && model.contextWindow < requirements.minContextTokens)
    return false;
  return requirements.providers === undefined || requirements.providers.includes(model.provider);
}

function modelTable(models: readonly ModelDefinition[], date: string): string {
  const yes = (value: boolean) => (value ? 'yes' : '-');
  const table = formatTable(
    [
      { header: 'MODEL' },
      { header: 'PROVIDER' },
      { header: 'TIER' },
      { header: 'CONTEXT', align: 'right' },
      { header: 'MAX OUT', align: 'right' },
      { header: 'IN $/M', align: 'right' },
      { header: 'OUT $/M', align: 'right' },
      { header: 'CACHED $/M', align: 'right' },
      { header: 'TOOLS' },
      { header: 'JSON' },
      { header: 'VISION' },
      { header: 'GATEWAYS' },
    ],
    models.map((model) => [
      model.id,
      model.provider,
      model.tier,
      formatCount(model.contextWindow),
      formatCount(model.maxOutputTokens),
      perMillion(model.pricing.inputPerToken),
      perMillion(model.pricing.outputPerToken),
      perMillion(model.pricing.cachedInputPerToken),
      yes(model.capabilities.tools),
      yes(model.capabilities.json),
      yes(model.capabilities.vision),
      Object.keys(model.gatewayModels).join(','),
    ]),
  );
  return `${table}\n${models.length} model(s); list prices in USD per million tokens as of ${date}.\n`;
}

/** `llm-router models`: the bundled catalog, filtered by requirements. */
export const modelsCommand: CommandSpec = {
  path: ['models'],
  summary: 'List the catalog: models, context windows, prices per million tokens, capabilities, gateways.',
  details: [
    'Prices are the model list prices of the bundled catalog; compare-costs shows each gateway offer.',
    'Exits 0, also when no model matches (an empty list).',
  ],
  options: REQUIREMENT_OPTIONS,
  examples: [
    'llm-router models --require tools,vision --min-context 128000',
    'llm-router models --provider anthropic --json',
  ],
  async run({ io, flags, json }) {
    const requirements = readRequirements(flags);
    const catalog = createModelCatalog();
    const models = catalog.list().filter((model) => meets(model, requirements));
    io.out(
      json
        ? `${JSON.stringify({ pricesAsOf: catalog.date, models }, null, 2)}\n`
        : modelTable(models, catalog.date),
    );
    return EXIT_CODES.ok;
  },
};
