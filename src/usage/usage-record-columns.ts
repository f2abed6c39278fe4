/**
 * The fields every `UsageRecord` has, each a column of the SQL stores; any other field (optional
 * ones such as `byokFallback` and `priceSource`, or fields added later) goes to their `extra` JSON column.
 */
export const USAGE_RECORD_COLUMN_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'callId',
  'startedAt',
  'finishedAt',
  'user',
  'keyId',
  'provider',
  'model',
  'gateway',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'costUsd',
  'costSource',
  'latencyMs',
  'timeToFirstTokenMs',
  'attempts',
  'fallback',
  'tags',
  'status',
  'errorKind',
  'stream',
]);
