import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRouter,
  InvalidRequestError,
  type Router,
  type UsageRecord,
  type UsageReport,
  type UsageReportMetrics,
  UsageStoreError,
} from '../../src/index.ts';
import { createPostgresUsageTracker, type PostgresUsageTracker } from '../../src/postgres/index.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import { createRouterUsage } from '../../src/usage/create-router-usage.ts';
import {
  attributeCosts,
  buildUsageReport,
  computeSavings,
  reportToCsv,
  reportToJson,
} from '../../src/usage/index.ts';
import { escapeCsvField } from '../../src/usage/report-to-csv.ts';
import { describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from '../postgres/postgres-test-database.ts';
import { parseCsv } from '../usage/parse-csv.ts';
import { fuzzParameters } from './fuzz-settings.ts';
import {
  attributionOptions,
  fuzzCatalog,
  garbage,
  materialize,
  records,
  reportOptions,
  text,
} from './usage-arbitraries.ts';

// Property-based suite of the usage reports (issue 16): whatever options a caller passes and
// whatever records a tracker holds, every outcome is a report or an exported InvalidRequestError
// naming the option; no figure is NaN, infinite, negative or fractional; no CSV cell a spreadsheet
// could run is left unguarded; the prototypes are untouched.

// Option names an error may give: a known option path, or an unknown key (then says so).
const OPTION_PATH =
  /^(options|records|tracker|by|from|to|indent|text|groupBy(\[\d+\])?|filter(\.(from|to|user|keyId|provider|model|gateway|status|tag))?|savings(\.catalog|\.baseline(\.(model|gateway|mostExpensive|models(\[\d+\])?))?)?|catalog|baseline(\.(model|gateway|mostExpensive|models(\[\d+\])?))?|report(\.(from|to|invalidRecords|groupBy(\[\d+\])?|rows(\[\d+\](\.group(\.\w+)?|\.\w+)?)?|totals(\.\w+)?|savings(\.\w+)?))?)$/;
// Objects whose keys an "unknown option" error may name, longest first.
const OPTION_OBJECTS = ['savings.baseline', 'baseline', 'savings', 'filter', 'query'];

function expectTypedError(error: unknown): void {
  if (!InvalidRequestError.isInstance(error)) throw error; // fails the property with the bare error
  const { option, message } = error;
  expect(message.startsWith(`${option}: `)).toBe(true);
  expect(message.length).toBeLessThan(600);
  const unknown = /unknown option \(check its spelling\); expected one of (.*)\.$/.exec(message);
  if (unknown) {
    // A key the object it sits in does not take, under a known option object or at the top level.
    const prefix = OPTION_OBJECTS.find((object) => option.startsWith(`${object}.`));
    const key = prefix === undefined ? option : option.slice(prefix.length + 1);
    expect((unknown[1] as string).split(', ')).not.toContain(key);
  } else {
    expect(option).toMatch(OPTION_PATH);
  }
}

function prototypes(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype]
    .map((prototype) => Reflect.ownKeys(prototype).map(String).sort().join(','))
    .join('|');
}
const PROTOTYPES = prototypes();

function expectPrototypesUntouched(): void {
  expect(prototypes()).toBe(PROTOTYPES);
  expect(({} as Record<string, unknown>).id).toBeUndefined();
}

const EXACT = /^\d+\.\d{9}$/;

function expectMetrics(metrics: UsageReportMetrics): void {
  for (const count of [
    metrics.requests,
    metrics.failures,
    metrics.fallbacks,
    metrics.inputTokens,
    metrics.outputTokens,
    metrics.cachedInputTokens,
  ]) {
    expect(Number.isSafeInteger(count) && count >= 0).toBe(true);
  }
  expect(metrics.failures).toBeLessThanOrEqual(metrics.requests);
  expect(Number.isFinite(metrics.costUsd) && metrics.costUsd >= 0).toBe(true);
  expect(metrics.costUsdExact).toMatch(EXACT);
  expect(Math.abs(Number(metrics.costUsdExact) - metrics.costUsd)).toBeLessThanOrEqual(1e-9);
  for (const latency of [metrics.avgLatencyMs, metrics.p95LatencyMs]) {
    if (latency !== null) expect(Number.isFinite(latency) && latency >= 0).toBe(true);
  }
  if (metrics.requests === 0) expect(metrics.avgLatencyMs).toBeNull();
}

/** A cell a spreadsheet could run: after blanks, control and invisible characters, = + - @ in any width. */
function couldRunAsFormula(cell: string): boolean {
  if (/^\p{Cc}/u.test(cell)) return true;
  const rest = cell.replace(/^[\s\p{Cc}\p{Cf}\u115f\u1160\u2800\u3164\uffa0]+/u, '');
  if (rest === '') return false;
  return /^[=+\-@]/.test(rest.normalize('NFKC')) || /^[\p{Pd}\u2212]/u.test(rest);
}

/** A cell holds `value`, guarded by an apostrophe when it could run (the writer may guard more). */
function expectCell(cell: string, value: string): void {
  if (couldRunAsFormula(value)) expect(cell).toBe(`'${value}`);
  else expect([value, `'${value}`]).toContain(cell);
}

function expectCsvGuarded(report: UsageReport): void {
  const rows = parseCsv(reportToCsv(report));
  expect(rows.length).toBe(report.rows.length + 2);
  report.rows.forEach((row, index) => {
    const cells = rows[index + 1] as string[];
    report.groupBy.forEach((key, column) => {
      // Each group cell reads back as its value, with an apostrophe before what could run.
      expectCell(cells[column + 1] as string, row.group[key] ?? '');
    });
  });
  for (const cells of rows) for (const cell of cells) if (couldRunAsFormula(cell)) expect(cell[0]).toBe("'");
}

function expectReport(report: UsageReport, recordCount: number, unfiltered: boolean): void {
  expectMetrics(report.totals);
  for (const row of report.rows) expectMetrics(row);
  expect(Number.isSafeInteger(report.invalidRecords) && report.invalidRecords >= 0).toBe(true);
  expect(report.totals.requests + report.invalidRecords).toBeLessThanOrEqual(recordCount);
  // Without a filter, every record is either counted or counted as invalid.
  if (unfiltered) expect(report.totals.requests + report.invalidRecords).toBe(recordCount);
  if (report.savings) {
    const { actualUsd, baselineUsd, savedUsd, calls, unpricedCalls } = report.savings;
    expect([actualUsd, baselineUsd].every((usd) => Number.isFinite(usd) && usd >= 0)).toBe(true);
    expect(Number.isFinite(savedUsd)).toBe(true);
    expect(Number.isSafeInteger(calls) && Number.isSafeInteger(unpricedCalls)).toBe(true);
    expect(report.savings.actualUsdExact).toMatch(EXACT);
  }
  expectCsvGuarded(report);
  expect(JSON.parse(reportToJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
}

function isUnfiltered(options: unknown): boolean {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) return false;
  const keys = Object.keys(options);
  return !keys.includes('from') && !keys.includes('to') && !keys.includes('filter');
}

// One router for the whole suite; its custom tracker answers whatever a case put in it.
let held: unknown[] = [];
const clock = createFakeClock();
const router = createRouter({
  clock,
  logger: false,
  catalog: fuzzCatalog,
  usage: { record() {}, query: () => held as UsageRecord[] },
  transports: { litellm: createFakeTransport({ gateway: 'litellm', clock }) },
});
afterAll(() => router.close());

describe('usage reports under generated options and records (fast-check)', () => {
  it('buildUsageReport: a sound report or a typed error naming the option', () => {
    fc.assert(
      fc.property(records, reportOptions, (generatedRecords, generatedOptions) => {
        const list = materialize(generatedRecords) as UsageRecord[];
        const options = materialize(generatedOptions);
        let report: UsageReport | undefined;
        try {
          report = buildUsageReport(list, options as never);
        } catch (error) {
          expectTypedError(error);
        }
        if (report) expectReport(report, list.length, isUnfiltered(options));
        expectPrototypesUntouched();
      }),
      fuzzParameters(300),
    );
  });

  it('router.usage.report() and attribute() over whatever a tracker holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        reportOptions,
        attributionOptions,
        async (generated, options, attribution) => {
          held = materialize(generated) as unknown[];
          const built = materialize(options);
          let report: UsageReport | undefined;
          try {
            report = await router.usage.report(built as never);
          } catch (error) {
            expectTypedError(error);
          }
          if (report) expectReport(report, held.length, isUnfiltered(built));
          try {
            const byPayer = await router.usage.attribute(materialize(attribution) as never);
            expectMetrics(byPayer.totals);
            for (const row of byPayer.rows) {
              expectMetrics(row);
              expect(row.share >= 0 && row.share <= 1).toBe(true);
            }
          } catch (error) {
            expectTypedError(error);
          }
          expectPrototypesUntouched();
        },
      ),
      { ...fuzzParameters(150), timeout: 5_000 },
    );
  });

  it('computeSavings and attributeCosts on their own', () => {
    fc.assert(
      fc.property(records, garbage, attributionOptions, (generated, baseline, attribution) => {
        const list = materialize(generated) as UsageRecord[];
        try {
          const savings = computeSavings(list, {
            catalog: fuzzCatalog,
            baseline: materialize(baseline) as never,
          });
          expect(Number.isFinite(savings.savedUsd) && savings.actualUsd >= 0).toBe(true);
        } catch (error) {
          expectTypedError(error);
        }
        try {
          const byPayer = attributeCosts(list, materialize(attribution) as never);
          expect(byPayer.totals.requests + byPayer.invalidRecords).toBeLessThanOrEqual(list.length);
        } catch (error) {
          expectTypedError(error);
        }
        expectPrototypesUntouched();
      }),
      fuzzParameters(150),
    );
  });

  it('the exports refuse a tampered report by field, and guard every cell of a sound one', () => {
    const base = buildUsageReport([], { groupBy: ['user', 'tag'] });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ user: fc.oneof(text, fc.constant(null)), tag: fc.oneof(text, fc.constant(null)) }),
          {
            maxLength: 5,
          },
        ),
        fc.option(
          fc.tuple(
            fc.constantFrom('rows', 'totals', 'groupBy', 'from', 'invalidRecords', 'savings'),
            garbage,
          ),
        ),
        (groups, tamper) => {
          const rows = groups.map((group) => ({ group, ...base.totals }));
          const report = { ...base, rows, ...(tamper ? { [tamper[0]]: materialize(tamper[1]) } : {}) };
          for (const run of [() => reportToCsv(report as never), () => reportToJson(report as never)]) {
            try {
              run();
            } catch (error) {
              expectTypedError(error);
              expect((error as InvalidRequestError).option).toMatch(/^report(\.|$)/);
            }
          }
          if (!tamper) expectCsvGuarded(report as UsageReport);
          expectPrototypesUntouched();
        },
      ),
      fuzzParameters(200),
    );
  });

  it('escapeCsvField: any text reads back as itself, with an apostrophe before what could run', () => {
    fc.assert(
      fc.property(text, (value) => {
        const cells = parseCsv(`${escapeCsvField(value)}\r\n`)[0] as string[];
        expect(cells.length).toBe(1);
        expectCell(cells[0] as string, value);
      }),
      fuzzParameters(500),
    );
  });
});

/** Whether generated data holds text that is not well-formed UTF-16 (a lone surrogate). */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return /\p{Cs}/u.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value).some(hasLoneSurrogate);
  return false;
}

/** A report or the option its error names, with averages rounded (PostgreSQL sums floats in its own order). */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return JSON.parse(
      JSON.stringify(await run(), (key, value) =>
        key === 'avgLatencyMs' && typeof value === 'number' ? Number(value.toPrecision(12)) : value,
      ),
    );
  } catch (error) {
    expectTypedError(error);
    return { option: (error as InvalidRequestError).option };
  }
}

const describePostgres = await describeWithServices(['postgres']);

describePostgres('PostgreSQL reports under generated options and records (fast-check)', () => {
  const pool = createTestPool();
  const schema = uniqueSchema('fuzz');
  let tracker: PostgresUsageTracker;
  let postgresRouter: Router;
  beforeAll(async () => {
    tracker = createPostgresUsageTracker({ pool, schema, logger: false, batchSize: 100 });
    await tracker.ready();
    postgresRouter = createRouter({
      clock,
      logger: false,
      catalog: fuzzCatalog,
      usage: tracker,
      transports: { litellm: createFakeTransport({ gateway: 'litellm', clock }) },
    });
  });
  afterAll(async () => {
    await postgresRouter.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('router.usage.report() and attribute() in SQL give what they give over the same records in memory', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        reportOptions,
        attributionOptions,
        async (generated, options, attribution) => {
          await pool.query(`TRUNCATE ${tracker.table}`);
          for (const value of materialize(generated) as unknown[]) {
            try {
              tracker.record(value as UsageRecord);
            } catch (error) {
              // What no report could count, or PostgreSQL text cannot hold (NUL), is refused here.
              if (!(UsageStoreError.isInstance(error) && error.reason === 'invalid-record')) throw error;
            }
          }
          const stored = await tracker.query();
          const inMemory = createRouterUsage({ record() {}, query: () => stored }, fuzzCatalog);
          const sql = await outcome(() => postgresRouter.usage.report(materialize(options) as never));
          // The driver stores a lone surrogate as U+FFFD: a filter holding one matches differently.
          if (!hasLoneSurrogate(options)) {
            expect(sql).toEqual(await outcome(() => inMemory.report(materialize(options) as never)));
          }
          if (!hasLoneSurrogate(attribution)) {
            expect(
              await outcome(() => postgresRouter.usage.attribute(materialize(attribution) as never)),
            ).toEqual(await outcome(() => inMemory.attribute(materialize(attribution) as never)));
          }
          if (typeof sql === 'object' && sql !== null && 'totals' in sql) {
            expect((sql as UsageReport).invalidRecords).toBe(0);
          }
          expectPrototypesUntouched();
        },
      ),
      { ...fuzzParameters(40), timeout: 20_000 },
    );
  });
});
