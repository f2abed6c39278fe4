import { describe, expect, it } from 'vitest';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import type { UsageReportOptions } from '../../src/types/usage-report.ts';
import type { UsageTracker } from '../../src/types/usage-tracker.ts';
import { attributeCosts } from '../../src/usage/attribute-costs.ts';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { computeSavings } from '../../src/usage/compute-savings.ts';
import { nanoUsdToUsd, usdToNanoUsd } from '../../src/usage/money-sum.ts';
import { queryUsageReport } from '../../src/usage/query-usage-report.ts';
import { escapeCsvField, reportToCsv } from '../../src/usage/report-to-csv.ts';
import { reportToJson } from '../../src/usage/report-to-json.ts';
import { usageRecord } from './generate-records.ts';
import { reportSubjects } from './report-subjects.ts';

const subjects = await reportSubjects('options');

// Bad options of the report functions: each must end in an InvalidRequestError naming the option,
// never a bare TypeError/RangeError, and building the message must never throw itself (issue 16
// item 18: a cyclic or BigInt groupBy used to throw from inside JSON.stringify).

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function caughtAsync(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The option an error names, or a description of the wrong error. */
function optionOf(error: unknown): string {
  if (InvalidRequestError.isInstance(error)) return error.option;
  return `not an InvalidRequestError: ${String(error)}`;
}

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
const throwingGetter = Object.defineProperty({}, 'groupBy', {
  enumerable: true,
  get() {
    throw new Error('getter says no');
  },
});
const hostileProxy = new Proxy([], {
  get() {
    throw new Error('trap says no');
  },
  ownKeys() {
    throw new Error('trap says no');
  },
});
const revoked = Proxy.revocable({}, {});
revoked.revoke();

function router() {
  const clock = createFakeClock();
  return createRouter({
    clock,
    logger: false,
    transports: { litellm: createFakeTransport({ gateway: 'litellm', clock }) },
  });
}

describe('report options: typed errors naming the option', () => {
  const records = [usageRecord({ callId: 'a' })];
  const catalog = createModelCatalog();

  // Options are looked up by index: vitest would try to print a hostile Proxy in the test name.
  const cases: [string, unknown, string][] = [
    ['null options', null, 'options'],
    ['an array as options', [], 'options'],
    ['a number as options', 5, 'options'],
    ['a misspelt option', { groupby: ['user'] }, 'groupby'],
    ['groupBy not an array', { groupBy: 'user' }, 'groupBy'],
    ['groupBy null', { groupBy: null }, 'groupBy'],
    ['a cyclic groupBy entry', { groupBy: [cyclic] }, 'groupBy[0]'],
    ['a BigInt groupBy entry', { groupBy: ['user', 10n] }, 'groupBy[1]'],
    ['a Symbol groupBy entry', { groupBy: [Symbol('day')] }, 'groupBy[0]'],
    ['a repeated dimension', { groupBy: ['user', 'user'] }, 'groupBy[1]'],
    ['a groupBy Proxy whose traps throw', { groupBy: hostileProxy }, 'groupBy'],
    ['a revoked Proxy as groupBy', { groupBy: revoked.proxy }, 'groupBy'],
    ['a getter that throws', throwingGetter, 'groupBy'],
    ['a revoked Proxy as options', revoked.proxy, 'options'],
    ['from NaN', { from: Number.NaN }, 'from'],
    ['from Infinity', { from: Number.POSITIVE_INFINITY }, 'from'],
    ['from an invalid Date', { from: new Date(Number.NaN) }, 'from'],
    ['to a string', { to: '2026-05-01' }, 'to'],
    ['to a BigInt', { to: 5n }, 'to'],
    ['filter null', { filter: null }, 'filter'],
    ['filter.user a number', { filter: { user: 5 } }, 'filter.user'],
    ['filter.status unknown', { filter: { status: 'fine' } }, 'filter.status'],
    ['filter.tag a Symbol', { filter: { tag: Symbol('t') } }, 'filter.tag'],
    ['filter.from a cyclic object', { filter: { from: cyclic } }, 'filter.from'],
    ['a misspelt filter', { filter: { users: 'ada' } }, 'filter.users'],
    ['savings a number', { savings: 5 }, 'savings'],
    ['savings without a baseline', { savings: { catalog } }, 'savings.baseline'],
    ['a null baseline', { savings: { catalog, baseline: null } }, 'savings.baseline'],
    [
      'a baseline with neither model nor mostExpensive',
      { savings: { catalog, baseline: {} } },
      'savings.baseline',
    ],
    ['a BigInt baseline model', { savings: { catalog, baseline: { model: 1n } } }, 'savings.baseline.model'],
    [
      'a cyclic baseline model',
      { savings: { catalog, baseline: { model: cyclic } } },
      'savings.baseline.model',
    ],
    [
      'an unknown baseline gateway',
      { savings: { catalog, baseline: { model: 'openai/gpt-5.5', gateway: 'azure' } } },
      'savings.baseline.gateway',
    ],
    [
      'mostExpensive not true',
      { savings: { catalog, baseline: { mostExpensive: 'yes' } } },
      'savings.baseline.mostExpensive',
    ],
    [
      'both model and mostExpensive',
      { savings: { catalog, baseline: { model: 'openai/gpt-5.5', mostExpensive: true } } },
      'savings.baseline',
    ],
    [
      'baseline models not an array',
      { savings: { catalog, baseline: { mostExpensive: true, models: 'openai/gpt-5.5' } } },
      'savings.baseline.models',
    ],
    [
      'a BigInt in baseline models',
      { savings: { catalog, baseline: { mostExpensive: true, models: [1n] } } },
      'savings.baseline.models[0]',
    ],
    ['a catalog that is not one', { savings: { catalog: {}, baseline: { model: 'x' } } }, 'savings.catalog'],
    [
      'no catalog outside the router',
      { savings: { baseline: { model: 'openai/gpt-5.5' } } },
      'savings.catalog',
    ],
  ];
  it.each(cases.map(([name, , option], index) => [name, option, index] as const))(
    'buildUsageReport with %s names %s',
    (_name, option, index) => {
      const options = (cases[index] as [string, unknown, string])[1];
      expect(optionOf(caught(() => buildUsageReport(records, options as never)))).toBe(option);
    },
  );

  for (const subject of subjects.filter(({ name }) => name !== 'buildUsageReport')) {
    subject.describe(`${subject.name}: its own report() checks first`, () => {
      it.each(cases.map(([name, , option], index) => [name, option, index] as const))(
        'with %s names %s',
        async (_name, option, index) => {
          const options = (cases[index] as [string, unknown, string])[1];
          expect(optionOf(await caughtAsync(() => subject.report(records, options as never)))).toBe(option);
        },
      );
    });
  }

  it("a tracker's own report() is asked only with options checked, as plain data", async () => {
    const asked: UsageReportOptions[] = [];
    const tracker: UsageTracker = {
      record() {},
      query: () => records,
      report: async (options) => {
        asked.push(options);
        return buildUsageReport(records, options);
      },
    };
    const clock = createFakeClock();
    const { usage, catalog: routerCatalog } = createRouter({
      clock,
      logger: false,
      usage: tracker,
      transports: { litellm: createFakeTransport({ gateway: 'litellm', clock }) },
    });
    for (const [name, options, option] of cases) {
      // The router's catalog is the default: that one is no error there.
      if (name === 'no catalog outside the router') continue;
      expect(optionOf(await caughtAsync(() => usage.report(options as never))), name).toBe(option);
    }
    expect(asked).toEqual([]);

    const report = await usage.report({
      from: new Date(Date.UTC(2026, 0, 1)),
      to: Date.UTC(2027, 0, 1),
      groupBy: ['user'],
      filter: { from: Date.UTC(2026, 3, 1), user: 'ada' },
      savings: { baseline: { mostExpensive: true, models: ['openai/gpt-5.5'] } },
    });
    expect(asked).toEqual([
      {
        from: Date.UTC(2026, 3, 1),
        to: Date.UTC(2027, 0, 1),
        groupBy: ['user'],
        filter: { user: 'ada' },
        savings: { catalog: routerCatalog, baseline: { mostExpensive: true, models: ['openai/gpt-5.5'] } },
      },
    ]);
    expect(report).toEqual(buildUsageReport(records, asked[0]));
    const byUser = await usage.attribute({ by: 'user', filter: { status: 'ok' } });
    expect(asked[1]).toEqual({ groupBy: ['user'], filter: { status: 'ok' } });
    expect(byUser.rows.map((row) => row.id)).toEqual(['ada']);
    expect(await queryUsageReport(tracker, { groupBy: ['model'] })).toEqual(
      buildUsageReport(records, { groupBy: ['model'] }),
    );
    expect(asked[2]).toEqual({ groupBy: ['model'] });
    expect(optionOf(await caughtAsync(() => queryUsageReport(tracker, { groupBy: 'day' } as never)))).toBe(
      'groupBy',
    );
    expect(asked).toHaveLength(3);
    expect(
      optionOf(await caughtAsync(() => queryUsageReport({ query: () => records, report: 5 } as never))),
    ).toBe('tracker');
    await usage.tracker.close?.();
  });

  it('router.usage.report() and queryUsageReport() check the same way (before asking the tracker)', async () => {
    const { usage } = router();
    expect(optionOf(await caughtAsync(() => usage.report(null as never)))).toBe('options');
    expect(optionOf(await caughtAsync(() => usage.report({ groupBy: [cyclic] } as never)))).toBe(
      'groupBy[0]',
    );
    expect(optionOf(await caughtAsync(() => usage.report({ groupBy: [10n] } as never)))).toBe('groupBy[0]');
    expect(optionOf(await caughtAsync(() => usage.report({ savings: { baseline: 5 } } as never)))).toBe(
      'savings.baseline',
    );
    expect(optionOf(await caughtAsync(() => usage.report({ savings: { baseline: null } } as never)))).toBe(
      'savings.baseline',
    );
    expect(
      optionOf(await caughtAsync(() => usage.report({ savings: { baseline: { model: 'nope/nope' } } }))),
    ).toBe('savings.baseline.model');
    // The router's own catalog is the default there: a valid baseline needs no catalog.
    const report = await usage.report({ savings: { baseline: { model: 'openai/gpt-5.5' } } });
    expect(report.savings?.baselineModel).toBe('openai/gpt-5.5');
    expect(optionOf(await caughtAsync(() => usage.query(null as never)))).toBe('query');
    expect(optionOf(await caughtAsync(() => usage.query({ user: 5 } as never)))).toBe('query.user');

    const tracker = { query: () => records };
    expect(optionOf(await caughtAsync(() => queryUsageReport(tracker, null as never)))).toBe('options');
    expect(optionOf(await caughtAsync(() => queryUsageReport(null as never)))).toBe('tracker');
    expect(optionOf(await caughtAsync(() => queryUsageReport({ query: () => 5 } as never)))).toBe('tracker');
  });

  it('router.usage.attribute() and attributeCosts() name `by` and the other options', async () => {
    const { usage } = router();
    expect(optionOf(await caughtAsync(() => usage.attribute(null as never)))).toBe('options');
    expect(optionOf(await caughtAsync(() => usage.attribute({} as never)))).toBe('by');
    expect(optionOf(await caughtAsync(() => usage.attribute({ by: 'team' } as never)))).toBe('by');
    expect(optionOf(await caughtAsync(() => usage.attribute({ by: 'user', from: 1n } as never)))).toBe(
      'from',
    );
    expect(optionOf(await caughtAsync(() => usage.attribute({ by: 'user', groupBy: [] } as never)))).toBe(
      'groupBy',
    );
    expect(optionOf(caught(() => attributeCosts(records, { by: cyclic } as never)))).toBe('by');
    expect(optionOf(caught(() => attributeCosts(null as never, { by: 'user' })))).toBe('records');
  });

  it('computeSavings() names its options without the savings prefix', () => {
    expect(optionOf(caught(() => computeSavings(records, null as never)))).toBe('options');
    expect(optionOf(caught(() => computeSavings(records, { catalog: 5, baseline: {} } as never)))).toBe(
      'catalog',
    );
    expect(
      optionOf(caught(() => computeSavings(records, { catalog, baseline: { model: 5 } } as never))),
    ).toBe('baseline.model');
    expect(
      optionOf(caught(() => computeSavings(5 as never, { catalog, baseline: { mostExpensive: true } }))),
    ).toBe('records');
  });

  it('the exports refuse what is not a report, naming the field', () => {
    const report = buildUsageReport(records, { groupBy: ['user'] });
    const row = report.rows[0];
    expect(optionOf(caught(() => reportToCsv(null as never)))).toBe('report');
    expect(optionOf(caught(() => reportToCsv({ ...report, groupBy: ['team'] } as never)))).toBe(
      'report.groupBy[0]',
    );
    expect(
      optionOf(
        caught(() => reportToCsv({ ...report, rows: [{ ...row, group: { user: cyclic } }] } as never)),
      ),
    ).toBe('report.rows[0].group.user');
    expect(
      optionOf(caught(() => reportToCsv({ ...report, rows: [{ ...row, requests: 1n }] } as never))),
    ).toBe('report.rows[0].requests');
    expect(
      optionOf(
        caught(() => reportToCsv({ ...report, totals: { ...report.totals, costUsdExact: '=1+1' } } as never)),
      ),
    ).toBe('report.totals.costUsdExact');
    const cyclicReport = { ...report, rows: [{ ...row, extra: cyclic }] };
    expect(JSON.parse(reportToJson(cyclicReport as never))).toEqual(report); // only the report's own fields
    expect(optionOf(caught(() => reportToJson({ ...report, savings: cyclic } as never)))).toMatch(
      /^report\.savings/,
    );
    expect(optionOf(caught(() => reportToJson(report, 'x' as never)))).toBe('indent');
    expect(optionOf(caught(() => escapeCsvField(5 as never)))).toBe('text');
    expect(optionOf(caught(() => usdToNanoUsd(Number.NaN)))).toBe('usd');
    expect(optionOf(caught(() => usdToNanoUsd('1' as never)))).toBe('usd');
    expect(optionOf(caught(() => nanoUsdToUsd(1.5)))).toBe('nanoUsd');
  });

  it('describes any value in a message without running it: cyclic, BigInt, Symbol, Proxy, long text', () => {
    const message = (value: unknown) =>
      (caught(() => buildUsageReport([], { groupBy: [value] as never })) as Error).message;
    expect(message(cyclic)).toMatch(/groupBy\[0\]: .*an object/);
    expect(message(10n)).toContain('10n');
    expect(message(Symbol('day'))).toContain('Symbol(day)');
    expect(message(hostileProxy)).toMatch(/groupBy\[0\]/);
    expect(message(revoked.proxy)).toMatch(/groupBy\[0\]/);
    const long = message('x'.repeat(10_000));
    expect(long.length).toBeLessThan(400);
    expect(message('sk-abcdefghijklmnopqrstuvwxyz')).not.toContain('abcdefghijklmnop');
  });
});
