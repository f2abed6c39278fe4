import { randomUUID } from 'node:crypto';
import { createSystemClock } from '../clock/clock.ts';
import { hasMethods } from '../errors/check-settings.ts';
import { redactSecrets } from '../errors/redact.ts';
import { resolveLogger } from '../logger/logger.ts';
import { applyValidation, type CheckPurpose, initialStatus, toCheck } from './apply-validation.ts';
import { checkAddInput, checkProvider, checkUser } from './check-key-input.ts';
import { createDecryptedKeyCache } from './decrypted-key-cache.ts';
import type { KeyPayload } from './key-cipher.ts';
import { type KeyRecord, toKeyInfo } from './key-record.ts';
import type {
  KeyCheckResult,
  KeyScope,
  KeyVault,
  KeyVaultEvent,
  RejectionOutcome,
  ResolveKeyRequest,
} from './key-vault.ts';
import { KeyVaultError } from './key-vault-error.ts';
import { checkKeyVaultSettings, type KeyVaultSettings } from './key-vault-settings.ts';
import { reencryptRecords } from './reencrypt-records.ts';
import { createSerialQueue } from './serial-queue.ts';

const notFound = (id: string) =>
  new KeyVaultError({
    kind: 'not-found',
    keyId: id,
    message: `No key with id "${id.slice(0, 64)}" for this user.`,
  });

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
  let rotation: Promise<unknown> | undefined;

  function emit(event: KeyVaultEvent): void {
    try {
      settings.onEvent?.(event);
    } catch {
      // A listener's failure must not fail the vault operation.
    }
  }

  async function find(id: string, scope: KeyScope = {}): Promise<KeyRecord> {
    if (typeof id !== 'string' || id.length === 0) throw notFound(String(id));
    const record = await store.get(id);
    if (!record || record.id !== id || (scope.user !== undefined && record.user !== scope.user))
      throw notFound(id);
    return record;
  }

  /** Decrypts a record's key, checks it belongs to that record, and caches it. */
  async function open(record: KeyRecord): Promise<KeyPayload> {
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
      if (payload.provider !== record.provider || payload.user !== record.user) {
        logger.warn('key vault: a ciphertext belongs to another record; refusing it', {
          keyId: record.id,
          provider: record.provider,
          user: record.user,
        });
        throw new KeyVaultError({
          kind: 'integrity',
          keyId: record.id,
          provider: record.provider,
          user: record.user,
          message: `The ciphertext of key ${record.id} was encrypted for another provider or user; it was moved between records. Refusing it.`,
        });
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
    const record = await find(id, scope);
    const payload = await open(record);
    const validation = await validator.validate({ provider: record.provider, apiKey: payload.apiKey });
    return writes.run(async () => {
      const fresh = await find(id, scope); // it may have changed while the provider answered
      const next = applyValidation(fresh, validation, clock.now(), purpose);
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
    });
  }

  /** The record `resolve()` would use: the given id (if it is the user's), else the newest usable one. */
  async function pickKey(request: ResolveKeyRequest): Promise<KeyRecord | undefined> {
    const { user, provider } = request;
    let record: KeyRecord | undefined;
    if (request.keyId !== undefined) {
      record = await find(request.keyId, { user });
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
      const { provider, user, apiKey, label } = checkAddInput(input);
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
        const ciphertext = await cipher.encrypt({ provider, user, apiKey });
        const record: KeyRecord = {
          id: `key_${randomUUID().replaceAll('-', '')}`,
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
      if (filter.provider !== undefined) checkProvider('list()', filter.provider);
      return (await store.list(filter)).map(toKeyInfo);
    },

    async get(id, scope) {
      try {
        return toKeyInfo(await find(id, scope));
      } catch (error) {
        if (KeyVaultError.isInstance(error) && error.kind === 'not-found') return undefined;
        throw error;
      }
    },

    revalidate: (id, scope = {}) => check(id, scope, 'revalidate'),

    async revalidateUnverified() {
      const results: KeyCheckResult[] = [];
      for (const record of await store.list({ status: 'unverified' })) {
        results.push(await check(record.id, {}, 'revalidate'));
      }
      return results;
    },

    async disable(id, reason, scope = {}) {
      const text = typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : 'disabled by caller';
      // A reason is free text: if the key itself was pasted into it, remove it. Disabling must
      // still work while the KMS is down, so then only well-known key shapes are removed.
      const own = await find(id, scope)
        .then(open)
        .then((payload) => payload.apiKey.reveal())
        .catch(() => undefined);
      const safeReason = redactSecrets(text, [own]).slice(0, 200);
      return writes.run(async () => {
        const record = await find(id, scope);
        const now = clock.now();
        const next: KeyRecord = {
          ...record,
          status: 'disabled',
          reason: safeReason,
          disabledBy: 'caller',
          disabledAt:
            record.status === 'disabled' && record.disabledAt !== undefined ? record.disabledAt : now,
          updatedAt: now,
        };
        await store.put(next, record);
        emitTransition(record, next);
        cache.delete(id);
        return toKeyInfo(next);
      });
    },

    enable: (id, scope = {}) => check(id, scope, 'enable'),

    remove(id, scope = {}) {
      return writes.run(async () => {
        let record: KeyRecord;
        try {
          record = await find(id, scope);
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
      checkUser('resolve()', request?.user);
      checkProvider('resolve()', request.provider);
      await rotation;
      const usedCipher = cipher;
      let record = await pickKey(request);
      if (!record) return undefined;
      let payload: KeyPayload;
      try {
        payload = await open(record);
      } catch (error) {
        // A rotation finished between reading the record and decrypting it: read it again.
        if (cipher === usedCipher) throw error;
        record = await pickKey(request);
        if (!record) return undefined;
        payload = await open(record);
      }
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
      checkUser('reportRejected()', rejection?.user);
      checkProvider('reportRejected()', rejection.provider);
      const record = await find(keyId, { user: rejection.user });
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
        cache.clear();
        return { reencrypted: updated.length, cipher: next.name };
      });
      rotation = run.catch(() => {});
      return run;
    },
  };
  return vault;
}
