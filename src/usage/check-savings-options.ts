import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { GatewayId, ModelDefinition } from '../types/model.ts';
import type { ModelCatalog } from '../types/model-catalog.ts';
import { describeValue } from './describe-value.ts';
import {
  checkOptionsObject,
  guardRead,
  isRecordLike,
  optionError,
  optionPath,
  readArray,
  readOption,
} from './read-options.ts';

/** A savings line's options once checked: the catalog to price with, and the baseline's models found in it. */
export interface CheckedSavingsOptions {
  readonly catalog: ModelCatalog;
  /** A named baseline model, and the gateway whose price to use (`null`: its list price). */
  readonly named: { readonly model: ModelDefinition; readonly gateway: GatewayId | null } | undefined;
  /** For `mostExpensive`: the extra models the routing could have picked. */
  readonly extraModels: readonly ModelDefinition[];
  /** The name of the catalog option, for an error about its prices. */
  readonly catalogOption: string;
}

const GATEWAYS: readonly GatewayId[] = ['litellm', 'openrouter', 'direct'];
const CATALOG_METHODS = ['get', 'list', 'pricing'] as const;
const MAX_BASELINE_MODELS = 1_000;

function checkCatalog(value: unknown, option: string): ModelCatalog {
  const ok = guardRead(
    option,
    () =>
      isRecordLike(value) &&
      CATALOG_METHODS.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
  );
  if (!ok) throw optionError(option, 'a ModelCatalog (get, list and pricing), such as router.catalog', value);
  return value as ModelCatalog;
}

function findModel(
  catalog: ModelCatalog,
  id: string,
  option: string,
  catalogOption: string,
): ModelDefinition {
  const model = guardRead(catalogOption, () => catalog.get(id));
  if (model === undefined) {
    let example = 'openai/gpt-5.5';
    try {
      const first = catalog.list()[0]?.id;
      if (typeof first === 'string') example = first;
    } catch {
      // The example is only a hint; keep the default one.
    }
    throw new InvalidRequestError({
      option,
      message: `no model ${describeValue(id)} in the catalog; pass a catalog id such as ${describeValue(example)}.`,
    });
  }
  const usable = guardRead(
    catalogOption,
    () =>
      isRecordLike(model) &&
      typeof model.id === 'string' &&
      isRecordLike(model.gatewayModels) &&
      isRecordLike(model.pricing),
  );
  if (!usable) throw optionError(catalogOption, 'a catalog whose get() returns model definitions', model);
  return model;
}

/**
 * Checks a savings line's options and looks its baseline up in the catalog. `prefix` is what its
 * fields are named under (`'savings'` in a report, `''` for `computeSavings()`); `defaultCatalog`
 * is used when no `catalog` is given (the router's), else `catalog` is required.
 * @throws InvalidRequestError naming the option at fault.
 */
export function checkSavingsOptions(
  value: unknown,
  prefix: string,
  defaultCatalog?: ModelCatalog,
): CheckedSavingsOptions {
  const object = checkOptionsObject(
    value,
    prefix === '' ? 'options' : prefix,
    prefix,
    ['baseline', 'catalog'],
    '{ baseline, catalog }',
  );
  const catalogOption = optionPath(prefix, 'catalog');
  const givenCatalog = readOption(object, 'catalog', catalogOption);
  const catalog =
    givenCatalog === undefined && defaultCatalog ? defaultCatalog : checkCatalog(givenCatalog, catalogOption);

  const baselineOption = optionPath(prefix, 'baseline');
  const baseline = checkOptionsObject(
    readOption(object, 'baseline', baselineOption),
    baselineOption,
    baselineOption,
    ['model', 'gateway', 'mostExpensive', 'models'],
    "{ model: '<catalog id>', gateway? } or { mostExpensive: true, models? }",
  );
  const read = (key: string) => readOption(baseline, key, `${baselineOption}.${key}`);
  const model = read('model');
  const gateway = read('gateway');
  const mostExpensive = read('mostExpensive');
  const models = read('models');
  if ((model === undefined) === (mostExpensive === undefined)) {
    throw new InvalidRequestError({
      option: baselineOption,
      message:
        "expected either { model: '<catalog id>', gateway? } or { mostExpensive: true, models? }, not both nor neither.",
    });
  }

  if (model !== undefined) {
    if (typeof model !== 'string') throw optionError(`${baselineOption}.model`, 'a catalog model id', model);
    if (models !== undefined) {
      throw new InvalidRequestError({
        option: `${baselineOption}.models`,
        message: 'only goes with { mostExpensive: true }; leave it out with a named model.',
      });
    }
    const named = findModel(catalog, model, `${baselineOption}.model`, catalogOption);
    if (gateway === undefined)
      return { catalog, named: { model: named, gateway: null }, extraModels: [], catalogOption };
    if (!GATEWAYS.includes(gateway as GatewayId)) {
      throw optionError(`${baselineOption}.gateway`, `one of ${GATEWAYS.join(', ')} or nothing`, gateway);
    }
    const offered = guardRead(catalogOption, () =>
      Object.entries(named.gatewayModels)
        .filter(([, name]) => Boolean(name))
        .map(([id]) => id),
    );
    if (!offered.includes(gateway as string)) {
      throw new InvalidRequestError({
        option: `${baselineOption}.gateway`,
        message: `model ${describeValue(named.id)} is not offered on gateway "${gateway as string}"; pass one of ${offered.join(', ')} or leave it out for the list price.`,
      });
    }
    return {
      catalog,
      named: { model: named, gateway: gateway as GatewayId },
      extraModels: [],
      catalogOption,
    };
  }

  if (mostExpensive !== true) {
    throw optionError(`${baselineOption}.mostExpensive`, 'true', mostExpensive);
  }
  if (gateway !== undefined) {
    throw new InvalidRequestError({
      option: `${baselineOption}.gateway`,
      message: 'only goes with a named model; { mostExpensive: true } compares every gateway.',
    });
  }
  const ids =
    models === undefined
      ? []
      : readArray(models, `${baselineOption}.models`, 'an array of catalog model ids', MAX_BASELINE_MODELS);
  const extraModels = ids.map((id, index) => {
    const option = `${baselineOption}.models[${index}]`;
    if (typeof id !== 'string') throw optionError(option, 'a catalog model id', id);
    return findModel(catalog, id, option, catalogOption);
  });
  return { catalog, named: undefined, extraModels, catalogOption };
}
