// Writes src/catalog/bundled-prices.generated.ts from the installed @pydantic/genai-prices: each
// bundled model's prices (input, output, cache read, cache write, long-context tiers) as in force
// today, with the library's version and today's date. Run after upgrading the library:
//   npm run prices:update
// (or with PRICES_DATE=YYYY-MM-DD to read the prices in force on another day).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as library from '@pydantic/genai-prices';
import { BUNDLED_MODEL_FACTS } from '../src/catalog/default-catalog-models.ts';
import { deriveBundledPrices, renderBundledPrices } from './derive-bundled-prices.ts';

const root = new URL('../', import.meta.url);
const target = fileURLToPath(new URL('src/catalog/bundled-prices.generated.ts', root));
const { version } = JSON.parse(
  readFileSync(new URL('node_modules/@pydantic/genai-prices/package.json', root), 'utf8'),
) as { version: string };

const generatedOn = process.env.PRICES_DATE ?? new Date().toISOString().slice(0, 10);
if (!/^\d{4}-\d{2}-\d{2}$/.test(generatedOn)) {
  console.error(`PRICES_DATE must be a day, YYYY-MM-DD; got ${JSON.stringify(generatedOn)}`);
  process.exit(1);
}
const models = deriveBundledPrices(library, BUNDLED_MODEL_FACTS, new Date(`${generatedOn}T00:00:00Z`));
writeFileSync(
  target,
  renderBundledPrices({ library: `@pydantic/genai-prices@${version}`, generatedOn, models }),
);
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'inherit' });

const missing = BUNDLED_MODEL_FACTS.filter((model) => !Object.hasOwn(models, model.id));
process.stdout.write(
  `${target}: ${Object.keys(models).length} of ${BUNDLED_MODEL_FACTS.length} bundled models priced by @pydantic/genai-prices@${version} as of ${generatedOn}\n`,
);
for (const model of missing) {
  const hand = model.handPrice
    ? `hand price from ${model.handPrice.from}, ${model.handPrice.asOf}`
    : 'NO PRICE';
  process.stdout.write(`  not in the library: ${model.id} (${hand})\n`);
}
if (missing.some((model) => !model.handPrice)) process.exitCode = 1;
