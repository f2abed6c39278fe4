// The report tests run against every way a report is computed: buildUsageReport over records in
// memory, and PostgreSQL's SQL report (a real server; skipped with a message when none is running).
import { afterAll, describe } from 'vitest';
import {
  createPostgresUsageTracker,
  type PostgresUsageTracker,
} from '../../src/postgres/create-postgres-usage-tracker.ts';
import type { UsageRecord } from '../../src/types/usage-record.ts';
import type { UsageReport, UsageReportOptions } from '../../src/types/usage-report.ts';
import type { UsageTracker } from '../../src/types/usage-tracker.ts';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { createMemoryUsageTracker } from '../../src/usage/memory-usage-tracker.ts';
import { describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from '../postgres/postgres-test-database.ts';

/** One way of computing reports. */
export interface ReportSubject {
  readonly name: string;
  /** `describe`, or `describe.skip` when the subject's server is missing. */
  readonly describe: typeof describe | typeof describe.skip;
  /** A tracker holding exactly `records` (the same array gives the same tracker). */
  tracker(records: readonly UsageRecord[]): Promise<UsageTracker>;
  /** The report of `records`, as this subject computes it. */
  report(records: readonly UsageRecord[], options?: UsageReportOptions): Promise<UsageReport>;
}

/**
 * Every subject, for a test file: `label` names the file's PostgreSQL schema (dropped after the
 * file). Call once at the top level of the file.
 */
export async function reportSubjects(label: string): Promise<ReportSubject[]> {
  const describePostgres = await describeWithServices(['postgres']);
  const memoryTrackers = new WeakMap<readonly UsageRecord[], UsageTracker>();
  const memory: ReportSubject = {
    name: 'buildUsageReport',
    describe,
    async tracker(records) {
      let tracker = memoryTrackers.get(records);
      if (!tracker) {
        const created = createMemoryUsageTracker({ maxRecords: Math.max(1, records.length) });
        for (const record of records) created.record(record);
        tracker = created;
        memoryTrackers.set(records, tracker);
      }
      return tracker;
    },
    report: async (records, options) => buildUsageReport(records, options),
  };
  if (describePostgres !== describe)
    return [memory, { ...memory, name: 'PostgreSQL', describe: describePostgres }];

  const pool = createTestPool();
  const schema = uniqueSchema(label);
  const trackers = new Map<readonly UsageRecord[], Promise<PostgresUsageTracker>>();
  afterAll(async () => {
    for (const tracker of trackers.values()) await (await tracker).close();
    await dropSchema(pool, schema);
    await pool.end();
  });
  const postgresTracker = (records: readonly UsageRecord[]): Promise<PostgresUsageTracker> => {
    let tracker = trackers.get(records);
    if (!tracker) {
      tracker = (async () => {
        const created = createPostgresUsageTracker({
          pool,
          schema,
          tablePrefix: `r${trackers.size}_`,
          batchSize: 5_000,
          maxBufferedRecords: Math.max(5_000, records.length),
        });
        for (const record of records) created.record(record);
        await created.flush();
        return created;
      })();
      trackers.set(records, tracker);
    }
    return tracker;
  };
  const postgres: ReportSubject = {
    name: 'PostgreSQL',
    describe: describePostgres,
    tracker: postgresTracker,
    report: async (records, options = {}) => (await postgresTracker(records)).report(options),
  };
  return [memory, postgres];
}
