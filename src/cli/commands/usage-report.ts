import type {
  UsageQuery,
  UsageReport,
  UsageReportMetrics,
  UsageReportOptions,
  UsageStatus,
} from '@bestviable/llm-router';
import { createModelCatalog } from '@bestviable/llm-router/catalog';
import { queryUsageReport, reportToCsv, reportToJson, USAGE_GROUP_KEYS } from '@bestviable/llm-router/usage';
import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { type Flags, flagError } from '../flags.ts';
import { formatCount, formatTable } from '../format-table.ts';
import { LEDGER_OPTIONS, openLedgerFromFlags } from '../options/ledger-options.ts';
import { PROVIDER_IDS } from '../options/requirement-options.ts';
import { readChoice, readChoices, readTime } from '../read-values.ts';

const FORMATS = ['table', 'csv', 'json'] as const;
const STATUSES: readonly UsageStatus[] = ['ok', 'error', 'aborted'];
const GATEWAYS = ['litellm', 'openrouter', 'direct'] as const;

function metricCells(metrics: UsageReportMetrics): string[] {
  return [
    formatCount(metrics.requests),
    formatCount(metrics.failures),
    formatCount(metrics.inputTokens),
    formatCount(metrics.outputTokens),
    formatCount(metrics.cachedInputTokens),
    metrics.costUsdExact,
    formatCount(metrics.avgLatencyMs === null ? null : Math.round(metrics.avgLatencyMs)),
    formatCount(metrics.p95LatencyMs),
    formatCount(metrics.fallbacks),
  ];
}

function reportTable(report: UsageReport): string {
  const groups = report.groupBy.map((key) => ({ header: key.toUpperCase() }));
  const metrics = [
    'REQUESTS',
    'FAILED',
    'IN TOKENS',
    'OUT TOKENS',
    'CACHED',
    'COST $',
    'AVG MS',
    'P95 MS',
    'FALLBACKS',
  ].map((header) => ({ header, align: 'right' as const }));
  const rows = report.rows.map((row) => [
    ...report.groupBy.map((key) => row.group[key] ?? '-'),
    ...metricCells(row),
  ]);
  const totalLabel = report.groupBy.map((_, index) => (index === 0 ? 'TOTAL' : ''));
  const table = formatTable(report.groupBy.length === 0 ? metrics : [...groups, ...metrics], [
    ...rows,
    [...totalLabel, ...metricCells(report.totals)],
  ]);
  const start =
    report.from === null ? 'From the first record' : `From ${new Date(report.from).toISOString()}`;
  const end = report.to === null ? 'to the last.' : `up to ${new Date(report.to).toISOString()} (exclusive).`;
  const period = `${start} ${end}`;
  const lines = [table, period];
  if (report.invalidRecords > 0)
    lines.push(`${report.invalidRecords} record(s) no report can trust were left out of every figure.`);
  if (report.savings) {
    const savings = report.savings;
    lines.push(
      `Savings against ${savings.baselineModel ?? 'no baseline'}: spent ${savings.actualUsdExact} USD, ` +
        `the baseline would have cost ${savings.baselineUsdExact} USD, saved ${savings.savedUsdExact} USD over ${savings.calls} call(s).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function readFilter(flags: Flags): UsageQuery {
  const provider = readChoice(flags, 'provider', PROVIDER_IDS);
  const gateway = readChoice(flags, 'gateway', GATEWAYS);
  const status = readChoice(flags, 'status', STATUSES);
  const text = (name: string) => flags.string(name);
  const entries: [string, string | undefined][] = [
    ['user', text('user')],
    ['keyId', text('key-id')],
    ['model', text('model')],
    ['tag', text('tag')],
    ['provider', provider],
    ['gateway', gateway],
    ['status', status],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function readSavings(flags: Flags): UsageReportOptions['savings'] {
  const baseline = flags.string('savings-baseline');
  if (baseline === undefined) return undefined;
  const catalog = createModelCatalog();
  if (baseline === 'most-expensive') return { catalog, baseline: { mostExpensive: true } };
  if (!catalog.get(baseline))
    throw flagError(
      flags,
      'savings-baseline',
      'expected a catalog model id (see llm-router models) or most-expensive.',
    );
  return { catalog, baseline: { model: baseline } };
}

/** `llm-router usage report`: `queryUsageReport()` over the SQLite or PostgreSQL ledger. */
export const usageReportCommand: CommandSpec = {
  path: ['usage', 'report'],
  summary: 'Report requests, tokens, cost, latency and fallbacks from the usage ledger, grouped as you ask.',
  details: [
    'Rows are grouped by the --group-by dimensions (none: one row), sorted by their values, then the totals.',
    "Costs are exact sums (nine decimals). csv and json are the package's reportToCsv / reportToJson exports",
    '(CSV cells that a spreadsheet could run as a formula are guarded).',
  ],
  options: {
    ...LEDGER_OPTIONS,
    from: {
      type: 'string',
      placeholder: '<time>',
      description: 'From this time, inclusive: 2026-05-01 (UTC), 2026-05-01T09:00:00+02:00, or ms.',
    },
    to: {
      type: 'string',
      placeholder: '<time>',
      description: 'Up to this time, exclusive (same forms as --from).',
    },
    'group-by': {
      type: 'string',
      placeholder: '<list>',
      description: `Dimensions of a row, comma-separated, outermost first: ${USAGE_GROUP_KEYS.join(', ')}.`,
    },
    format: {
      type: 'string',
      placeholder: '<table|csv|json>',
      description: 'Output format. Default table; --json is json.',
    },
    user: { type: 'string', placeholder: '<id>', description: "Only this user's calls." },
    'key-id': {
      type: 'string',
      placeholder: '<id>',
      description: 'Only calls paid with this key (key_…, gateway:litellm, …).',
    },
    provider: {
      type: 'string',
      placeholder: '<id>',
      description: `Only this provider: ${PROVIDER_IDS.join(', ')}.`,
    },
    model: { type: 'string', placeholder: '<id>', description: 'Only this model (catalog id).' },
    gateway: {
      type: 'string',
      placeholder: '<id>',
      description: `Only this gateway: ${GATEWAYS.join(', ')}.`,
    },
    status: {
      type: 'string',
      placeholder: '<status>',
      description: `Only calls with this status: ${STATUSES.join(', ')}.`,
    },
    tag: { type: 'string', placeholder: '<tag>', description: 'Only calls carrying this tag.' },
    'savings-baseline': {
      type: 'string',
      placeholder: '<model|most-expensive>',
      description:
        'Add a savings line: what the calls would have cost on this catalog model (or on the most expensive one).',
    },
  },
  examples: [
    'llm-router usage report --ledger sqlite:./usage.db --from 2026-05-01 --to 2026-06-01 --group-by user,model',
    'llm-router usage report --ledger postgres: --group-by day --format csv > usage.csv',
  ],
  async run(context) {
    const { io, flags, json } = context;
    const format = json ? 'json' : (readChoice(flags, 'format', FORMATS) ?? 'table');
    if (json && flags.string('format') !== undefined && flags.string('format') !== 'json')
      throw flagError(flags, 'format', 'conflicts with --json; give one of them.');
    const from = readTime(flags, 'from');
    const to = readTime(flags, 'to');
    if (from !== undefined && to !== undefined && to <= from)
      throw flagError(flags, 'to', 'must be later than --from.');
    const groupBy = readChoices(flags, 'group-by', USAGE_GROUP_KEYS) ?? [];
    const filter = readFilter(flags);
    const savings = readSavings(flags);
    const ledger = await openLedgerFromFlags(io, flags);
    try {
      const report = await queryUsageReport(ledger.tracker, {
        groupBy,
        filter,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(savings === undefined ? {} : { savings }),
      });
      if (format === 'csv') io.out(reportToCsv(report));
      else if (format === 'json') io.out(`${reportToJson(report)}\n`);
      else io.out(reportTable(report));
      return EXIT_CODES.ok;
    } finally {
      await ledger.close();
    }
  },
};
