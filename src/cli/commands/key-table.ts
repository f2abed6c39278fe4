import type { KeyCheckResult, KeyInfo } from '@bestviable/llm-router';
import { formatTable, formatTime } from '../format-table.ts';

/** Key metadata for people: never a key, only its last four characters. */
export function keyTable(keys: readonly KeyInfo[]): string {
  if (keys.length === 0) return 'No keys.\n';
  return formatTable(
    [
      { header: 'ID' },
      { header: 'PROVIDER' },
      { header: 'USER' },
      { header: 'LABEL' },
      { header: 'ENDS' },
      { header: 'STATUS' },
      { header: 'REASON' },
      { header: 'CREATED' },
      { header: 'VALIDATED' },
    ],
    keys.map((key) => [
      key.id,
      key.provider,
      key.user,
      key.label ?? '-',
      key.last4 === '' ? '-' : `…${key.last4}`,
      key.status,
      key.reason ?? '-',
      formatTime(key.createdAt),
      formatTime(key.validatedAt),
    ]),
  );
}

/** Keys just checked with their provider, and what each check found. */
export function checkTable(results: readonly KeyCheckResult[]): string {
  if (results.length === 0) return 'No keys to check.\n';
  return formatTable(
    [
      { header: 'ID' },
      { header: 'PROVIDER' },
      { header: 'USER' },
      { header: 'CHECK' },
      { header: 'REASON' },
      { header: 'HTTP', align: 'right' },
      { header: 'STATUS NOW' },
    ],
    results.map(({ key, validation }) => [
      key.id,
      key.provider,
      key.user,
      validation.status,
      validation.reason ?? '-',
      validation.httpStatus === undefined ? '-' : String(validation.httpStatus),
      key.status,
    ]),
  );
}
