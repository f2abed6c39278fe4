import { describeValue } from '../errors/describe-value.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { CostComparisonQuery } from './cost-comparison-query.ts';

const QUERY_KEYS = new Set(['model', 'require', 'inputTokens', 'outputTokens', 'cachedInputTokens']);
const FLAGS = ['tools', 'vision', 'json'] as const;
const AMOUNTS = ['minContextTokens', 'maxInputPricePerMillion', 'maxOutputPricePerMillion'] as const;

function fail(option: string, message: string, value: unknown): never {
  throw new InvalidRequestError({ option, message: `${message}; got ${describeValue(value)}.` });
}

function checkTokens(query: Record<string, unknown>, key: string, optional: boolean): void {
  const value = query[key];
  if (optional && value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(key, 'expected a whole number of tokens, 0 or more, e.g. 1_000', value);
  }
}

function checkModel(model: unknown): void {
  if (model === undefined) return;
  const names = Array.isArray(model) ? (model as unknown[]) : [model];
  if (Array.isArray(model) && model.length === 0)
    fail('model', 'expected a model id or a non-empty array of them', model);
  names.forEach((name, index) => {
    if (typeof name !== 'string' || name.length === 0) {
      const option = Array.isArray(model) ? `model[${index}]` : 'model';
      fail(option, "expected a model id such as 'openai/gpt-5.4-mini' or its name on a gateway", name);
    }
  });
}

function checkRequire(require: unknown): void {
  if (require === undefined) return;
  if (typeof require !== 'object' || require === null || Array.isArray(require))
    fail('require', 'expected an object of requirements, e.g. { tools: true }', require);
  const fields = require as Record<string, unknown>;
  for (const key of FLAGS) {
    const value = fields[key];
    if (value !== undefined && typeof value !== 'boolean')
      fail(`require.${key}`, 'expected true or false', value);
  }
  for (const key of AMOUNTS) {
    const value = fields[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0))
      fail(`require.${key}`, 'expected a finite number, 0 or more', value);
  }
  const providers = fields.providers;
  if (
    providers !== undefined &&
    !(Array.isArray(providers) && providers.every((provider) => typeof provider === 'string'))
  ) {
    fail('require.providers', "expected an array of provider ids, e.g. ['openai', 'anthropic']", providers);
  }
}

/**
 * Checks a `compareCosts()` query before anything is priced: an object with whole, non-negative
 * token counts, model ids as strings and requirements of the right types. Throws
 * `InvalidRequestError` naming the field at fault and what to pass, so no cost comes out NaN.
 */
export function checkCostQuery(query: unknown): CostComparisonQuery {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    fail(
      'query',
      'compareCosts() expects { model?, require?, inputTokens, outputTokens, cachedInputTokens? }',
      query,
    );
  }
  const fields = query as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (QUERY_KEYS.has(key)) continue;
    throw new InvalidRequestError({
      option: 'query',
      message: `unknown field ${JSON.stringify(key.slice(0, 64))}; expected ${[...QUERY_KEYS].join(', ')}.`,
    });
  }
  checkTokens(fields, 'inputTokens', false);
  checkTokens(fields, 'outputTokens', false);
  checkTokens(fields, 'cachedInputTokens', true);
  checkModel(fields.model);
  checkRequire(fields.require);
  return query as CostComparisonQuery;
}
