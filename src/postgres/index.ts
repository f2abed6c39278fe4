// @bestviable/llm-router/postgres: the usage ledger and BYOK key records in PostgreSQL, shared by
// every process. Needs the optional peer dependency `pg`; pass your own Pool.

export { KeyRecordConflictError } from '../keys/key-record-conflict-error.ts';
export {
  createPostgresKeyRecordStore,
  type PostgresKeyRecordStore,
  type PostgresKeyRecordStoreSettings,
} from './create-postgres-key-record-store.ts';
export {
  createPostgresUsageTracker,
  type PostgresUsageTracker,
  type PostgresUsageTrackerSettings,
} from './create-postgres-usage-tracker.ts';
export type { PostgresClient, PostgresPool, PostgresQuery, PostgresQueryResult } from './postgres-pool.ts';
export type { PostgresLocationSettings } from './postgres-tables.ts';
