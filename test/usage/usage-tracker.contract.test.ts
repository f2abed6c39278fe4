// One contract, run against every UsageTracker implementation, so none drifts from the others.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresUsageTracker } from '../../src/postgres/create-postgres-usage-tracker.ts';
import type { UsageQuery, UsageRecord } from '../../src/types/usage-record.ts';
import type { UsageTracker } from '../../src/types/usage-tracker.ts';
import { createMemoryUsageTracker } from '../../src/usage/memory-usage-tracker.ts';
import { createSqliteUsageTracker } from '../../src/usage/sqlite-usage-tracker.ts';
import { describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from '../postgres/postgres-test-database.ts';
import { generateRecords, usageRecord, withoutNanos } from './generate-records.ts';

interface Subject {
  readonly tracker: UsageTracker;
  dispose(): void | Promise<void>;
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

// PostgreSQL: one schema for this file, one table prefix per test; a real server (skipped with a
// message saying how to start one when it is not running).
const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('contract');
let tables = 0;
afterAll(async () => {
  if (describePostgres === describe) await dropSchema(pool, schema);
  await pool.end();
});

const implementations: Record<string, [typeof describe | typeof describe.skip, () => Subject]> = {
  memory: [describe, () => ({ tracker: createMemoryUsageTracker(), dispose: () => {} })],
  sqlite: [
    describe,
    () => {
      const directory = mkdtempSync(join(tmpdir(), 'usage-contract-'));
      directories.push(directory);
      const tracker = createSqliteUsageTracker({ path: join(directory, 'usage.sqlite'), batchSize: 7 });
      return { tracker, dispose: () => tracker.close() };
    },
  ],
  postgres: [
    describePostgres,
    () => {
      const tracker = createPostgresUsageTracker({
        pool,
        schema,
        tablePrefix: `t${tables++}_`,
        batchSize: 7,
      });
      return { tracker, dispose: () => tracker.close() };
    },
  ],
};

for (const [name, [describeImplementation, create]] of Object.entries(implementations)) {
  describeImplementation(`UsageTracker contract: ${name}`, () => {
    let subject: Subject;
    afterEach(() => subject.dispose());

    it('keeps one record per call id when record() is retried, before and after a read', async () => {
      subject = create();
      const { tracker } = subject;
      const first = usageRecord({ callId: 'call-1', costUsd: 0.25 });
      await tracker.record(first);
      await tracker.record(first);
      await tracker.record({ ...first, costUsd: 99 }); // a retry must not replace what was recorded
      expect(await tracker.query()).toEqual([first]);
      await tracker.record(first);
      await tracker.record(usageRecord({ callId: 'call-2' }));
      await tracker.record(first);
      const records = await tracker.query();
      expect(records.map((record) => record.callId)).toEqual(['call-1', 'call-2']);
      expect(records[0]?.costUsd).toBe(0.25);
    });

    it('returns records as written, oldest first, undefined fields and tags included', async () => {
      subject = create();
      const records = generateRecords(40).map(withoutNanos);
      for (const record of records) await subject.tracker.record(record);
      expect(await subject.tracker.query()).toEqual(records);
    });

    it('keeps where a catalog-priced cost took its price (priceSource), and no priceSource where none was given', async () => {
      subject = create();
      const priced: UsageRecord = {
        ...usageRecord({ callId: 'priced', costSource: 'catalog' }),
        priceSource: { source: 'bundled', asOf: '2026-11-29', from: '@pydantic/genai-prices@0.1.8' },
      };
      const stream: UsageRecord = {
        ...usageRecord({ callId: 'litellm-stream', costSource: 'catalog', stream: true }),
        priceSource: { source: 'litellm', asOf: '2026-11-29' },
      };
      const reported = usageRecord({ callId: 'reported', costSource: 'gateway' });
      for (const record of [priced, stream, reported]) await subject.tracker.record(record);
      const back = await subject.tracker.query();
      expect(back).toEqual([priced, stream, reported]);
      expect('priceSource' in (back[2] as UsageRecord)).toBe(false);
    });

    it('applies every filter of a query', async () => {
      subject = create();
      const records = generateRecords(300, 11).map(withoutNanos);
      for (const record of records) await subject.tracker.record(record);
      const from = Date.UTC(2026, 4, 2, 6);
      const to = Date.UTC(2026, 4, 3, 18);
      const cases: [UsageQuery, (record: UsageRecord) => boolean][] = [
        [{}, () => true],
        [{ from }, (record) => record.startedAt >= from],
        [{ to: new Date(to) }, (record) => record.startedAt < to],
        [{ from: new Date(from), to }, (record) => record.startedAt >= from && record.startedAt < to],
        [{ user: 'bob' }, (record) => record.user === 'bob'],
        [{ keyId: 'byok:acme' }, (record) => record.keyId === 'byok:acme'],
        [{ provider: 'anthropic' }, (record) => record.provider === 'anthropic'],
        [{ model: 'openai/gpt-5.5' }, (record) => record.model === 'openai/gpt-5.5'],
        [{ gateway: 'direct' }, (record) => record.gateway === 'direct'],
        [{ status: 'aborted' }, (record) => record.status === 'aborted'],
        [{ tag: 'nightly' }, (record) => record.tags.includes('nightly')],
        [
          { user: 'ada', tag: 'chat', status: 'ok', from },
          (record) =>
            record.user === 'ada' &&
            record.tags.includes('chat') &&
            record.status === 'ok' &&
            record.startedAt >= from,
        ],
      ];
      for (const [query, keep] of cases) {
        const expected = records.filter(keep);
        expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
        expect(await subject.tracker.query(query), JSON.stringify(query)).toEqual(expected);
      }
      expect(await subject.tracker.query({ user: 'nobody' })).toEqual([]);
    });
  });
}
