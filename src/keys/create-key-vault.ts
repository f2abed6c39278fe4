import { randomUUID } from 'node:crypto';
import { createSystemClock } from '../clock/create-system-clock.ts';
import { hasMethods } from '../errors/check-settings.ts';
import { redactSecrets } from '../errors/redact.ts';
import { resolveLogger } from '../logger/resolve-logger.ts';
import type { KeyCipher, KeyPayload } from '../types/key-cipher.ts';
import { type KeyRecord, toKeyInfo } from '../types/key-record.ts';
import type {
  KeyCheckResult,
  KeyScope,
  KeyVault,
  KeyVaultEvent,
  RejectionOutcome,
  ResolveKeyRequest,
} from '../types/key-vault.ts';
import { applyValidation, type CheckPurpose, initialStatus, toCheck } from './apply-validation.ts';
import {
  checkAddInput,
  checkAddOptions,
  checkFilter,
  checkKeyId,
  checkObject,
  checkOptionalBoolean,
  checkProvider,
  checkScope,
  checkUser,
  describeKeyId,
} from './check-key-input.ts';
import { createDecryptedKeyCache } from './decrypted-key-cache.ts';
import { KeyRecordConflictError } from './key-record-conflict-error.ts';
import { KeyVaultError } from './key-vault-error.ts';
import { checkKeyVaultSettings, type KeyVaultSettings } from './key-vault-settings.ts';
import { checkRecord, newSealKey, type RecordTrust, sealOf, sealRecord, withoutSeal } from './record-seal.ts';
import { reencryptRecords } from './reencrypt-records.ts';
import { retryOnConflict } from './retry-on-conflict.ts';
import { createSerialQueue } from './serial-queue.ts';

const notFound = (id: string) =>
  new KeyVaultError({
    kind: 'not-found',
    // An id of another shape is not repeated: it may be a key pasted in the wrong place.
    keyId: describeKeyId(id).startsWith('"') ? id : undefined,
    message: `No key with id ${describeKeyId(id)} for this user.`,
  });

/** True when `record` can be trusted as it stands (a legacy or correctly sealed record). */
function trusted(record: KeyRecord, payload: KeyPayload): boolean {
  try {
    return checkRecord(record, payload, true) !== 'unsealed';
  } catch {
    return false;
  }
}

/** The same error with the record it concerns attached. */
function aboutRecord(error: unknown, record: KeyRecord): unknown {
  if (!KeyVaultError.isInstance(error) || error.keyId !== undefined) return error;
  return new KeyVaultError({
    kind: error.kind,
    message: error.message,
    status: error.status,
    keyId: record.id,
    provider: record.provider,
    user: record.user,
  });
}

/**
 * The BYOK key vault. Keys are validated by a real provider call, encrypted by `cipher` and stored
 * as ciphertext in `store`; `resolve()` decrypts one for its owner only.
 *
 * @example
 * const vault = createKeyVault({
 *   cipher: createInfisicalCipher(),                          // INFISICAL_* from the environment
 *   store: createFileKeyRecordStore({ path: './keys.json' }),
 *   validator: createKeyValidator(),
 * });
 * const key = await vault.add({ provider: 'openai', user: 'alice', apiKey: input });
 * const resolved = await vault.resolve({ user: 'alice', provider: 'openai' });
 * resolved?.apiKey.reveal(); // only where the key goes on the wire
 */
export function createKeyVault(settings: KeyVaultSettings): KeyVault {
  checkKeyVaultSettings(settings);
  const { store, validator } = settings;
  const clock = settings.clock ?? createSystemClock();
  const logger = resolveLogger(settings.logger);
  const onInvalid = settings.onInvalid ?? 'refuse';
  const rejectionRecheckMs = settings.rejectionRecheckMs ?? 60_000;
  // When a rejection last triggered a check, per key id.
  const rejectionChecks = new Map<string, number>();
  const cache = createDecryptedKeyCache(clock, settings.cacheTtlMs ?? 60_000);
  const writes = createSerialQueue();
  const decrypting = new Map<string, Promise<KeyPayload>>();
  const rejections = new Map<string, Promise<RejectionOutcome>>();
  let cipher = settings.cipher;
  // Every cipher this vault has used, closed by close().
  const ciphers = new Set<KeyCipher>([cipher]);
  let closed = false;
  const ensureOpen = (method: string) => {
    if (closed) {
      throw new KeyVaultError({
        kind: 'closed',
        message: `${method}: the vault was closed (vault.close()); create a new one.`,
      });
    }
  };
  let rotation: Promise<unknown> | undefined;

  function emit(event: KeyVaultEvent): void {
    try {
      settings.onEvent?.(event);
    } catch {
      // A listener's failure must not fail the vault operation.
    }
  }

  /** The record `id` of `scope`'s user; `invalid-input` for an id or scope of the wrong type. */
  async function find(method: string, id: unknown, scope: unknown = {}): Promise<KeyRecord> {
    checkKeyId(method, id);
    checkScope(method, scope);
    if (id.length === 0) throw notFound(id);
    const record = await store.get(id);
    if (!record || record.id !== id || (scope?.user !== undefined && record.user !== scope.user))
      throw notFound(id);
    return record;
  }

  /** Decrypts a record's key (one decryption at a time per record) and caches it. */
  async function decrypt(record: KeyRecord): Promise<KeyPayload> {
    const cached = cache.get(record.id, record.ciphertext);
    if (cached) return cached;
    const pending = decrypting.get(record.id);
    if (pending) return pending;
    const used = cipher;
    const work = (async () => {
      let payload: KeyPayload;
      try {
        payload = await used.decrypt(record.ciphertext);
      } catch (error) {
        throw aboutRecord(error, record);
      }
      if (used === cipher) cache.set(record.id, record.ciphertext, payload);
      return payload;
    })();
    decrypting.set(record.id, work);
    try {
      return await work;
    } finally {
      decrypting.delete(record.id);
    }
  }

  /**
   * A record's key, once checked against the record: bound to its id, provider and user, and its
   * metadata matching its seal (see `checkRecord`). Checked on every use, cached or not, since the
   * store may have been edited since.
   */
  async function open(
    record: KeyRecord,
    allowUnsealed = false,
  ): Promise<{ payload: KeyPayload; trust: RecordTrust }> {
    const payload = await decrypt(record);
    try {
      return { payload, trust: checkRecord(record, payload, allowUnsealed) };
    } catch (error) {
      logger.warn('key vault: a key record failed its integrity check; refusing it', {
        keyId: record.id,
        provider: record.provider,
        user: record.user,
      });
      throw error;
    }
  }

  /**
   * Re-encrypts a record written before seals with its id bound, and seals it. A failure (the KMS
   * cannot encrypt now) leaves it as it is, to be upgraded at its next use.
   */
  function upgrade(record: KeyRecord, payload: KeyPayload): Promise<KeyRecord> {
    return writes.run(async () => {
      const fresh = await store.get(record.id);
      if (!fresh || fresh.ciphertext !== record.ciphertext || fresh.status !== record.status) return record;
      try {
        const sealed = await sealRecord(fresh, payload, cipher);
        await store.put(sealed.record, fresh);
        cache.set(sealed.record.id, sealed.record.ciphertext, sealed.payload);
        return sealed.record;
      } catch (error) {
        // Another process changed it since it was read (and may have sealed it): left to its change.
        if (KeyRecordConflictError.isInstance(error)) return record;
        logger.warn('key vault: could not seal a key record written by an older version; it stays as it is', {
          keyId: record.id,
          kind: KeyVaultError.isInstance(error) ? error.kind : 'unexpected',
        });
        return record;
      }
    });
  }

  function emitTransition(before: KeyRecord, after: KeyRecord): void {
    const base = { keyId: after.id, provider: after.provider, user: after.user };
    if (after.status === 'disabled' && (before.status !== 'disabled' || before.reason !== after.reason)) {
      emit({
        type: 'key-disabled',
        ...base,
        reason: after.reason ?? 'invalid',
        by: after.disabledBy ?? 'validation',
      });
    } else if (
      before.status !== after.status &&
      after.status !== 'disabled' &&
      before.status === 'disabled'
    ) {
      emit({ type: 'key-enabled', ...base, status: after.status });
    }
    if (after.status !== 'active') cache.delete(after.id);
  }

  async function check(id: string, scope: KeyScope, purpose: CheckPurpose): Promise<KeyCheckResult> {
    const method = purpose === 'enable' ? 'enable()' : 'revalidate()';
    ensureOpen(method);
    // Only enable() may check a record whose seal was dropped (disabled while the KMS was down).
    const allowUnsealed = purpose === 'enable';
    const record = await find(method, id, scope);
    const { payload } = await open(record, allowUnsealed);
    const validation = await validator.validate({ provider: record.provider, apiKey: payload.apiKey });
    // Another process may change the record meanwhile: then it is read and checked again, once.
    return writes.run(() =>
      retryOnConflict(async () => {
        const fresh = await find(method, id, scope); // it may have changed while the provider answered
        const current =
          fresh.ciphertext === record.ciphertext ? payload : (await open(fresh, allowUnsealed)).payload;
        const trust = checkRecord(fresh, current, allowUnsealed);
        if (!current.apiKey.equals(payload.apiKey)) {
          throw new KeyVaultError({
            kind: 'integrity',
            keyId: id,
            provider: fresh.provider,
            user: fresh.user,
            message: `The key of record ${id} changed while it was being checked; check it again.`,
          });
        }
        const checked = applyValidation(fresh, validation, clock.now(), purpose);
        let next: KeyRecord;
        try {
          next = (await sealRecord(checked, current, cipher)).record;
        } catch (error) {
          // A legacy record whose upgrade failed (the KMS cannot encrypt now) stays unsealed.
          if (trust !== 'legacy') throw error;
          next = checked;
        }
        await store.put(next, fresh); // a store shared by processes refuses it if another changed it since
        emit({
          type: 'key-checked',
          keyId: next.id,
          provider: next.provider,
          user: next.user,
          status: next.status,
          validation,
        });
        emitTransition(fresh, next);
        return { key: toKeyInfo(next), validation };
      }),
    );
  }

  /** The record `resolve()` would use: the given id (if it is the user's), else the newest usable one. */
  async function pickKey(request: ResolveKeyRequest): Promise<KeyRecord | undefined> {
    const { user, provider } = request;
    let record: KeyRecord | undefined;
    if (request.keyId !== undefined) {
      record = await find('resolve()', request.keyId, { user });
      if (record.provider !== provider) throw notFound(request.keyId);
    } else {
      // The store's filter is checked again, so a faulty store cannot hand out another user's key.
      const owned = (await store.list({ user, provider })).filter(
        (candidate) => candidate.user === user && candidate.provider === provider,
      );
      const newest = (status: KeyRecord['status']) =>
        owned.filter((candidate) => candidate.status === status).at(-1);
      record = newest('active') ?? (request.allowUnverified ? newest('unverified') : undefined);
    }
    if (!record) return undefined;
    if (record.status === 'active' || (request.allowUnverified && record.status === 'unverified'))
      return record;
    return undefined;
  }

  const vault: KeyVault = {
    get cipherName() {
      return cipher.name;
    },

    async add(input, options = {}) {
      ensureOpen('add()');
      const { provider, user, apiKey, label } = checkAddInput(input);
      checkAddOptions(options);
      const policy = options.onInvalid ?? onInvalid;
      const validation = await validator.validate({ provider, apiKey });
      const initial = initialStatus(validation, policy);
      if (!initial) {
        throw new KeyVaultError({
          kind: 'invalid-key',
          provider,
          user,
          status: validation.httpStatus,
          validation,
          message: `The ${provider} key was refused by ${provider} (${validation.reason ?? 'invalid'}${validation.httpStatus ? `, HTTP ${validation.httpStatus}` : ''}); nothing was stored.`,
        });
      }
      // Queued behind any rotation, so the key is encrypted with the cipher that will stay.
      return writes.run(async () => {
        const now = clock.now();
        const id = `key_${randomUUID().replaceAll('-', '')}`;
        const sealKey = newSealKey();
        // The record id and seal key are encrypted with the key: see checkRecord().
        const ciphertext = await cipher.encrypt({ keyId: id, provider, user, apiKey, sealKey });
        const unsealed: KeyRecord = {
          id,
          provider,
          user,
          // Free text from the owner: never let it carry the key itself.
          ...(label !== undefined ? { label: redactSecrets(label, [apiKey.reveal()]) } : {}),
          last4: apiKey.last4,
          ...initial,
          ...(initial.status === 'disabled' ? { disabledAt: now } : {}),
          createdAt: now,
          updatedAt: now,
          ...(validation.status === 'valid' ? { validatedAt: now } : {}),
          lastCheck: toCheck(validation, now),
          cipher: cipher.name,
          ciphertext,
        };
        const record: KeyRecord = { ...unsealed, seal: sealOf(unsealed, sealKey) };
        await store.put(record);
        emit({
          type: 'key-added',
          keyId: record.id,
          provider,
          user,
          status: record.status,
          ...(record.reason ? { reason: record.reason } : {}),
        });
        return toKeyInfo(record);
      });
    },

    async list(filter = {}) {
      ensureOpen('list()');
      checkFilter('list()', filter);
      return (await store.list(filter)).map(toKeyInfo);
    },

    async get(id, scope) {
      ensureOpen('get()');
      try {
        return toKeyInfo(await find('get()', id, scope));
      } catch (error) {
        if (KeyVaultError.isInstance(error) && error.kind === 'not-found') return undefined;
        throw error;
      }
    },

    revalidate: (id, scope = {}) => check(id, scope, 'revalidate'),

    async revalidateUnverified() {
      ensureOpen('revalidateUnverified()');
      const results: KeyCheckResult[] = [];
      for (const record of await store.list({ status: 'unverified' })) {
        results.push(await check(record.id, {}, 'revalidate'));
      }
      return results;
    },

    async disable(id, reason, scope = {}) {
      ensureOpen('disable()');
      const text = typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : 'disabled by caller';
      // A reason is free text: if the key itself was pasted into it, remove it. Disabling must
      // still work while the KMS is down, so then only well-known key shapes are removed.
      const opened = await find('disable()', id, scope)
        .then(async (record) => ({ record, ...(await open(record, true)) }))
        .catch(() => undefined);
      const safeReason = redactSecrets(text, [opened?.payload.apiKey.reveal()]).slice(0, 200);
      // Another process may change the record meanwhile: then it is read and disabled again, once.
      return writes.run(() =>
        retryOnConflict(async () => {
          const record = await find('disable()', id, scope);
          const now = clock.now();
          const disabled: KeyRecord = {
            ...record,
            status: 'disabled',
            reason: safeReason,
            disabledBy: 'caller',
            disabledAt:
              record.status === 'disabled' && record.disabledAt !== undefined ? record.disabledAt : now,
            updatedAt: now,
          };
          // Sealed again only when the record could be decrypted and was trusted as it stands; else
          // its seal is dropped: a disabled record is never used, and only enable() reseals it.
          let next = withoutSeal(disabled);
          if (opened && opened.record.ciphertext === record.ciphertext && trusted(record, opened.payload)) {
            next = await sealRecord(disabled, opened.payload, cipher).then(
              (sealed) => sealed.record,
              () => next,
            );
          }
          await store.put(next, record);
          emitTransition(record, next);
          cache.delete(id);
          return toKeyInfo(next);
        }),
      );
    },

    enable: (id, scope = {}) => check(id, scope, 'enable'),

    remove(id, scope = {}) {
      return writes.run(async () => {
        ensureOpen('remove()');
        let record: KeyRecord;
        try {
          record = await find('remove()', id, scope);
        } catch (error) {
          if (KeyVaultError.isInstance(error) && error.kind === 'not-found') return false;
          throw error;
        }
        cache.delete(id);
        const removed = await store.delete(id);
        if (removed) emit({ type: 'key-removed', keyId: id, provider: record.provider, user: record.user });
        return removed;
      });
    },

    async resolve(request) {
      ensureOpen('resolve()');
      checkObject('resolve()', request, '{ user, provider, keyId?, allowUnverified? }');
      checkUser('resolve()', request.user);
      checkProvider('resolve()', request.provider);
      if (request.keyId !== undefined) checkKeyId('resolve()', request.keyId, 'keyId');
      checkOptionalBoolean('resolve()', request.allowUnverified, 'allowUnverified');
      await rotation;
      const usedCipher = cipher;
      let record = await pickKey(request);
      if (!record) return undefined;
      let opened: { payload: KeyPayload; trust: RecordTrust };
      try {
        opened = await open(record);
      } catch (error) {
        // A rotation finished between reading the record and decrypting it: read it again.
        if (cipher === usedCipher) throw error;
        record = await pickKey(request);
        if (!record) return undefined;
        opened = await open(record);
      }
      const { payload } = opened;
      if (opened.trust === 'legacy') record = await upgrade(record, payload);
      return {
        keyId: record.id,
        provider: record.provider,
        user: record.user,
        ...(record.label !== undefined ? { label: record.label } : {}),
        last4: record.last4,
        status: record.status,
        apiKey: payload.apiKey,
      };
    },

    async reportRejected(keyId, rejection) {
      ensureOpen('reportRejected()');
      checkKeyId('reportRejected()', keyId, 'keyId');
      checkObject('reportRejected()', rejection, '{ user, provider, httpStatus? }');
      checkUser('reportRejected()', rejection.user);
      checkProvider('reportRejected()', rejection.provider);
      const record = await find('reportRejected()', keyId, { user: rejection.user });
      if (record.provider !== rejection.provider) throw notFound(keyId);
      const pending = rejections.get(keyId);
      if (pending) return pending;
      const work = (async (): Promise<RejectionOutcome> => {
        const base = { keyId, provider: record.provider, user: record.user };
        // Throttled on the last check a rejection triggered, not on the key's last validation: a
        // key added a moment ago and refused now must be checked now (it may have been revoked).
        const lastAt = rejectionChecks.get(keyId);
        if (lastAt !== undefined && clock.now() - lastAt < rejectionRecheckMs) {
          return {
            ...base,
            status: record.status,
            disabled: false,
            ...(record.reason ? { reason: record.reason } : {}),
            checked: false,
          };
        }
        rejectionChecks.set(keyId, clock.now());
        const { key, validation } = await check(keyId, { user: rejection.user }, 'revalidate');
        return {
          ...base,
          status: key.status,
          disabled: record.status !== 'disabled' && key.status === 'disabled',
          ...(key.reason ? { reason: key.reason } : {}),
          checked: true,
          validation,
        };
      })();
      rejections.set(keyId, work);
      try {
        return await work;
      } finally {
        rejections.delete(keyId);
      }
    },

    rotateCipher(next) {
      if (closed) {
        return Promise.reject(
          new KeyVaultError({
            kind: 'closed',
            message: 'rotateCipher(): the vault was closed (vault.close()).',
          }),
        );
      }
      if (!hasMethods('encrypt', 'decrypt')(next)) {
        return Promise.reject(
          new KeyVaultError({
            kind: 'invalid-input',
            message: 'rotateCipher(): pass a KeyCipher (encrypt() and decrypt()).',
          }),
        );
      }
      const run = writes.run(async () => {
        const updated = await reencryptRecords(await store.list(), cipher, next, clock.now());
        await store.putMany(updated);
        cipher = next;
        ciphers.add(next);
        cache.clear();
        return { reencrypted: updated.length, cipher: next.name };
      });
      rotation = run.catch(() => {});
      return run;
    },

    async close() {
      if (closed) return;
      closed = true;
      // Closing the ciphers first ends their pending KMS requests, so queued writes settle at once.
      await Promise.allSettled([...ciphers].map((used) => used.close?.()));
      await writes.run(async () => {});
      cache.clear();
    },
  };
  return vault;
}
