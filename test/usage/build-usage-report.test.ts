import { expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import type { UsageRecord } from '../../src/types/usage-record.ts';
import type { UsageGroupKey, UsageReportMetrics } from '../../src/types/usage-report.ts';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { nearestRankPercentile } from '../../src/usage/nearest-rank-percentile.ts';
import { queryUsageReport } from '../../src/usage/query-usage-report.ts';
import { reportToJson } from '../../src/usage/report-to-json.ts';
import { type GeneratedRecord, generateRecords, usageRecord, withoutNanos } from './generate-records.ts';
import { reportSubjects } from './report-subjects.ts';

/** The expected figures, computed the slow, obvious way: string keys, bigint money, one sort per group. */
function expectedRows(records: readonly GeneratedRecord[], groupBy: readonly UsageGroupKey[]) {
  const groups = new Map<string, { values: (string | null)[]; records: GeneratedRecord[] }>();
  for (const record of records) {
    let combinations: (string | null)[][] = [[]];
    for (const key of groupBy) {
      const values: (string | null)[] =
        key === 'tag'
          ? record.tags.length === 0
            ? [null]
            : [...new Set(record.tags)]
          : key === 'day'
            ? [new Date(record.startedAt).toISOString().slice(0, 10)]
            : [
                {
                  user: record.user,
                  key: record.keyId,
                  provider: record.provider,
                  model: record.model,
                  gateway: record.gateway,
                  costSource: record.costSource,
                  priceSource: record.priceSource?.source,
                }[key] ?? null,
              ];
      combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]));
    }
    for (const values of combinations) {
      const id = JSON.stringify(values);
      const group = groups.get(id) ?? { values, records: [] };
      group.records.push(record);
      groups.set(id, group);
    }
  }
  return [...groups.values()].map(({ values, records: members }) => ({
    group: Object.fromEntries(groupBy.map((key, index) => [key, values[index]])),
    ...expectedMetrics(members),
  }));
}

function expectedMetrics(records: readonly GeneratedRecord[]): UsageReportMetrics {
  const nanos = records.reduce((sum, record) => sum + BigInt(record.costNanoUsd), 0n);
  const latencies = records.map((record) => record.latencyMs).sort((a, b) => a - b);
  const sum = (pick: (record: GeneratedRecord) => number) =>
    records.reduce((total, record) => total + pick(record), 0);
  return {
    requests: records.length,
    failures: records.filter((record) => record.status !== 'ok').length,
    inputTokens: sum((record) => record.inputTokens),
    outputTokens: sum((record) => record.outputTokens),
    cachedInputTokens: sum((record) => record.cachedInputTokens),
    costUsd: Number(nanos) / 1e9,
    costUsdExact: `${nanos / 1_000_000_000n}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}`,
    avgLatencyMs: records.length === 0 ? null : sum((record) => record.latencyMs) / records.length,
    p95LatencyMs:
      latencies.length === 0 ? null : (latencies[Math.ceil(latencies.length * 0.95) - 1] as number),
    fallbacks: records.filter((record) => record.fallback).length,
  };
}

const sortKey = (row: { group: Record<string, unknown> }) => JSON.stringify(row.group);
const byGroup = <T extends { group: Record<string, unknown> }>(rows: readonly T[]) =>
  [...rows].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));

for (const subject of await reportSubjects('report')) {
  const { name } = subject;
  subject.describe(`${name}: reports against hand-computed totals`, () => {
    const generated = generateRecords(3_000, 21);
    const records = generated.map(withoutNanos);

    const groupings: UsageGroupKey[][] = [
      [],
      ['user'],
      ['key'],
      ['provider'],
      ['model'],
      ['gateway'],
      ['tag'],
      ['day'],
      ['user', 'model'],
      ['day', 'tag', 'provider'],
      ['costSource'],
      ['costSource', 'priceSource'],
      ['user', 'key', 'provider', 'model', 'gateway', 'tag', 'day', 'costSource', 'priceSource'],
    ];
    for (const groupBy of groupings) {
      it(`sums every figure when grouped by [${groupBy.join(', ')}]`, async () => {
        const report = await subject.report(records, { groupBy });
        const expected = expectedRows(generated, groupBy);
        expect(report.rows.length).toBe(expected.length);
        const actual = byGroup(report.rows).map(({ avgLatencyMs, ...row }) => ({ ...row, avgLatencyMs }));
        const wanted = byGroup(expected);
        for (let index = 0; index < wanted.length; index++) {
          const { avgLatencyMs, ...exact } = wanted[index] as (typeof wanted)[number];
          const row = actual[index] as (typeof actual)[number];
          expect(row).toMatchObject(exact);
          expect(row.avgLatencyMs).toBeCloseTo(avgLatencyMs as number, 9);
        }
        expect(report.totals).toMatchObject({
          ...expectedMetrics(generated),
          avgLatencyMs: expect.any(Number),
        });
      });
    }

    it('counts a record with several tags in each tag group, and once in the totals', async () => {
      const report = await subject.report(records, { groupBy: ['tag'] });
      const rowRequests = report.rows.reduce((sum, row) => sum + row.requests, 0);
      const tagged = generated.reduce((sum, record) => sum + Math.max(1, new Set(record.tags).size), 0);
      expect(rowRequests).toBe(tagged);
      expect(rowRequests).toBeGreaterThan(report.totals.requests);
      expect(report.totals.requests).toBe(generated.length);
      // ['chat', 'chat', 'eval'] counts once under chat, not twice.
      const chat = generated.filter((record) => record.tags.includes('chat')).length;
      expect(report.rows.find((row) => row.group.tag === 'chat')?.requests).toBe(chat);
    });

    it('applies from, to and the filter, narrowing the period to their overlap', async () => {
      const from = Date.UTC(2026, 4, 2);
      const to = Date.UTC(2026, 4, 4);
      const report = await subject.report(records, {
        from: new Date(from),
        to: Date.UTC(2026, 4, 5),
        filter: { to, user: 'ada', status: 'ok' },
        groupBy: ['model'],
      });
      const kept = generated.filter(
        (record) =>
          record.startedAt >= from &&
          record.startedAt < to &&
          record.user === 'ada' &&
          record.status === 'ok',
      );
      expect(kept.length).toBeGreaterThan(10);
      expect(report.from).toBe(from);
      expect(report.to).toBe(to);
      expect(report.totals).toMatchObject({ ...expectedMetrics(kept), avgLatencyMs: expect.any(Number) });
    });

    it('sorts rows by group value, chronologically for days, missing values last', async () => {
      const report = await subject.report(records, { groupBy: ['day', 'user'] });
      const days = report.rows.map((row) => row.group.day);
      expect(days).toEqual([...days].sort());
      expect(report.rows.slice(0, 5).map((row) => row.group.user)).toEqual(['ada', 'bob', 'cy', 'dee', null]);
    });

    it('queryUsageReport asks the tracker and gives the same report as buildUsageReport', async () => {
      const tracker = await subject.tracker(records);
      const options = { from: Date.UTC(2026, 4, 3), groupBy: ['user'] as UsageGroupKey[] };
      expect(await queryUsageReport(tracker, options)).toEqual(buildUsageReport(records, options));
    });
  });

  subject.describe(`${name}: reports on small hand-checked sets`, () => {
    it('p95 is exact by nearest rank', async () => {
      const latencies = async (values: number[]) =>
        (
          await subject.report(
            values.map((latencyMs, index) => usageRecord({ callId: `c${index}`, latencyMs })),
            {},
          )
        ).totals.p95LatencyMs;
      // Shuffled input: 1..20 → rank ceil(19) = 19.
      expect(await latencies([7, 20, 1, 13, 2, 19, 3, 18, 4, 17, 5, 16, 6, 15, 8, 14, 9, 12, 10, 11])).toBe(
        19,
      );
      expect(await latencies(Array.from({ length: 100 }, (_, index) => 100 - index))).toBe(95);
      expect(await latencies(Array.from({ length: 21 }, (_, index) => index + 1))).toBe(20); // ceil(19.95) = 20
      expect(await latencies([10, 20])).toBe(20);
      expect(await latencies([42])).toBe(42);
      expect(await latencies([0.5, 0.25, 0.125])).toBe(0.5);
      expect(nearestRankPercentile([], 95)).toBeNull();
      expect(nearestRankPercentile([1, 2, 3, 4], 50)).toBe(2);
    });

    it('puts records without a value in a null group, and a day is the UTC calendar day', async () => {
      const report = await subject.report(
        [
          usageRecord({ callId: 'a', user: undefined, startedAt: Date.UTC(2026, 4, 1, 23, 59, 59, 999) }),
          usageRecord({ callId: 'b', user: 'bob', startedAt: Date.UTC(2026, 4, 2) }),
          usageRecord({ callId: 'c', user: 'bob', startedAt: Date.UTC(2026, 4, 2, 0, 0, 0, 1) }),
        ],
        { groupBy: ['user', 'day'] },
      );
      expect(report.rows.map((row) => [row.group, row.requests])).toEqual([
        [{ user: 'bob', day: '2026-05-02' }, 2],
        [{ user: null, day: '2026-05-01' }, 1],
      ]);
    });

    it('sums money without float drift: many 0.1 micro-dollar calls cost exactly their sum', async () => {
      // A million in memory; PostgreSQL sums the same way (integer nano-dollars), shown on fewer.
      const count = name === 'buildUsageReport' ? 1_000_000 : 30_000;
      const records = Array.from({ length: count }, (_, index) =>
        usageRecord({ callId: String(index), costUsd: 1e-7 }),
      );
      let naive = 0;
      for (const record of records) naive += record.costUsd;
      expect(naive).not.toBe(count / 1e7); // what summing floats gives
      const report = await subject.report(records, {});
      expect(report.totals.costUsd).toBe(count / 1e7);
      expect(report.totals.costUsdExact).toBe(`0.${String(count * 100).padStart(9, '0')}`);
    });

    it('gives an empty report with null averages when nothing matches', async () => {
      const report = await subject.report([usageRecord({ callId: 'a' })], {
        filter: { user: 'nobody' },
        groupBy: ['user'],
      });
      expect(report.rows).toEqual([]);
      expect(report.totals).toMatchObject({
        requests: 0,
        costUsdExact: '0.000000000',
        avgLatencyMs: null,
        p95LatencyMs: null,
      });
      expect(JSON.parse(reportToJson(report))).toEqual(report);
    });

    it('rejects an unknown or repeated dimension, naming it', async () => {
      const none: UsageRecord[] = [];
      const error = (groupBy: unknown) =>
        subject.report(none, { groupBy: groupBy as UsageGroupKey[] }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
      const unknown = await error(['user', 'team']);
      expect(InvalidRequestError.isInstance(unknown)).toBe(true);
      expect((unknown as InvalidRequestError).option).toBe('groupBy[1]');
      expect((unknown as Error).message).toContain('"team"');
      expect(((await error(['model', 'model'])) as InvalidRequestError).option).toBe('groupBy[1]');
      expect(InvalidRequestError.isInstance(await error('user'))).toBe(true);
    });
  });
}
