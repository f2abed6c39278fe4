import {
  CONFIGURED_LIMIT_NAMES,
  type ConfiguredLimitName,
  defineLimit,
  type LimitMetric,
  type LimitPeriod,
} from '../types/limit-names.ts';
import type { LimitSettings } from '../types/limit-settings.ts';
import { wildcardOf } from './limit-scope.ts';
import { toMicroUsdDown } from './micro-usd.ts';

/** One configured limit, ready to check: its size in the metric's unit (micro-dollars for budgets). */
export interface ResolvedLimit {
  readonly limit: ConfiguredLimitName;
  readonly metric: LimitMetric;
  readonly period: LimitPeriod;
  readonly size: number;
}

interface Entry {
  readonly settings: LimitSettings;
  readonly resolved: readonly ResolvedLimit[];
}

/** The limits of each scope and wildcard, as set at start and by `setLimits()`. Checked by the caller. */
export interface LimitTable {
  /** Sets a scope's or wildcard's limits; `undefined` or no limit at all removes them. */
  set(scope: string, settings: LimitSettings | undefined): void;
  /** The settings that apply to `scope`: its own, else its wildcard's. */
  settingsOf(scope: string): LimitSettings | undefined;
  /** The limits that apply to `scope`, in `CONFIGURED_LIMIT_NAMES` order. */
  resolve(scope: string): readonly ResolvedLimit[];
  /** Scopes with limits of their own (wildcards excluded). */
  scopes(): readonly string[];
}

function resolveSettings(settings: LimitSettings): ResolvedLimit[] {
  const resolved: ResolvedLimit[] = [];
  for (const limit of CONFIGURED_LIMIT_NAMES) {
    const value = settings[limit];
    if (value === undefined) continue;
    const { metric, period } = defineLimit(limit);
    if (!period) continue;
    resolved.push({ limit, metric, period, size: metric === 'costMicroUsd' ? toMicroUsdDown(value) : value });
  }
  return resolved;
}

/** A new, empty table (or filled from `initial`, by scope). */
export function createLimitTable(initial: Readonly<Record<string, LimitSettings>> = {}): LimitTable {
  const entries = new Map<string, Entry>();

  const entryOf = (scope: string): Entry | undefined => {
    const own = entries.get(scope);
    if (own) return own;
    const wildcard = wildcardOf(scope);
    return wildcard === undefined ? undefined : entries.get(wildcard);
  };

  const table: LimitTable = {
    set(scope, settings) {
      const resolved = settings ? resolveSettings(settings) : [];
      if (!settings || resolved.length === 0) entries.delete(scope);
      else entries.set(scope, { settings: { ...settings }, resolved });
    },
    settingsOf: (scope) => entryOf(scope)?.settings,
    resolve: (scope) => entryOf(scope)?.resolved ?? [],
    scopes: () => [...entries.keys()].filter((scope) => !scope.endsWith(':*')),
  };
  for (const [scope, settings] of Object.entries(initial)) table.set(scope, settings);
  return table;
}
