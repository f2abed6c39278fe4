import type { KeyCheck, KeyRecord } from '../types/key-record.ts';
import type { KeyValidationResult } from '../types/key-validator.ts';

/** Why a check runs: a routine `revalidate` respects a caller's disable; `enable` overrides it. */
export type CheckPurpose = 'revalidate' | 'enable';

/** The record without the fields that only a disabled key carries. */
function withoutDisabled(record: KeyRecord): KeyRecord {
  const { reason: _reason, disabledBy: _by, disabledAt: _at, ...rest } = record;
  return rest;
}

/** The `lastCheck` of a record for a check that finished at `at`. */
export function toCheck(validation: KeyValidationResult, at: number): KeyCheck {
  return {
    status: validation.status,
    ...(validation.reason ? { reason: validation.reason } : {}),
    ...(validation.httpStatus !== undefined ? { httpStatus: validation.httpStatus } : {}),
    at,
  };
}

/**
 * The record after a check. The rules:
 *
 * | check | active | unverified | disabled by a check | disabled by a caller |
 * |---|---|---|---|---|
 * | valid | active | active | active | unchanged (`enable`: active) |
 * | valid, no credit | disabled `no_credit` | same | same | unchanged (`enable`: disabled `no_credit`) |
 * | invalid | disabled | disabled | disabled (new reason) | unchanged (`enable`: disabled) |
 * | could not check | unchanged | unverified (new reason) | unchanged (`enable`: unverified) | unchanged (`enable`: unverified) |
 */
export function applyValidation(
  record: KeyRecord,
  validation: KeyValidationResult,
  now: number,
  purpose: CheckPurpose,
): KeyRecord {
  const checked: KeyRecord = { ...record, lastCheck: toCheck(validation, now), updatedAt: now };
  const callerHold = record.disabledBy === 'caller' && purpose !== 'enable';
  const disable = (reason: string): KeyRecord => ({
    ...checked,
    status: 'disabled',
    reason,
    disabledBy: 'validation',
    disabledAt: record.status === 'disabled' && record.disabledAt !== undefined ? record.disabledAt : now,
  });

  if (validation.status === 'valid') {
    const proven: KeyRecord = { ...checked, validatedAt: now };
    if (callerHold) return proven;
    if (validation.reason === 'no_credit') return disable('no_credit');
    const active: KeyRecord = { ...withoutDisabled(proven), status: 'active' };
    return validation.reason ? { ...active, reason: validation.reason } : active;
  }
  if (validation.status === 'invalid') {
    if (callerHold) return checked;
    return disable(validation.reason ?? 'invalid');
  }
  // Could not check: never demote a working key, never count it as invalid.
  const reason = validation.reason ?? 'unexpected';
  if (record.status === 'unverified') return { ...checked, reason };
  if (record.status === 'disabled' && purpose === 'enable') {
    return { ...withoutDisabled(checked), status: 'unverified', reason };
  }
  return checked;
}

/** The first status of a new key, from its first check. `undefined` for a key to refuse. */
export function initialStatus(
  validation: KeyValidationResult,
  onInvalid: 'disable' | 'refuse',
): Pick<KeyRecord, 'status' | 'reason' | 'disabledBy'> | undefined {
  if (validation.status === 'valid') {
    if (validation.reason === 'no_credit')
      return { status: 'disabled', reason: 'no_credit', disabledBy: 'validation' };
    return validation.reason ? { status: 'active', reason: validation.reason } : { status: 'active' };
  }
  if (validation.status === 'invalid') {
    if (onInvalid === 'refuse') return undefined;
    return { status: 'disabled', reason: validation.reason ?? 'invalid', disabledBy: 'validation' };
  }
  return { status: 'unverified', reason: validation.reason ?? 'unexpected' };
}
