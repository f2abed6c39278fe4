import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OPTIONAL_DEPENDENCIES, resolveOptional } from '../optional-dependency.ts';

/** The `@infisical/sdk` calls the cipher makes, each run in the worker thread. */
export interface InfisicalCalls {
  login(args: { clientId: string; clientSecret: string }): Promise<void>;
  /** `sdk.kms().keys().getByName()`, reduced to the key's id. */
  keyByName(args: { projectId: string; name: string }): Promise<{ id: unknown } | undefined>;
  /** `sdk.kms().encryption().encrypt()`: the KMS ciphertext. */
  encrypt(args: { keyId: string; plaintext: string }): Promise<unknown>;
  /** `sdk.kms().encryption().decrypt()`: the plaintext, base64. */
  decrypt(args: { keyId: string; ciphertext: string }): Promise<unknown>;
}

type Method = keyof InfisicalCalls;

/**
 * One `@infisical/sdk` client in a worker thread. The SDK (5.0.2) retries refused connections and
 * 429s for ~15 s and waits up to 10 s per attempt on its own timers, and its public API takes no
 * signal, agent or fetch: a request cannot be stopped from outside. In a worker it can: terminating
 * the thread ends its requests, retries and timers at once.
 */
export interface InfisicalWorker {
  /** The SDK calls, each bound to `signal`: once it aborts, the caller no longer waits for the answer. */
  calls(signal: AbortSignal): InfisicalCalls;
  /** Takes no new requests, and terminates as soon as no caller waits for one of its answers. */
  retire(): void;
  /** Terminates now; pending requests reject with an error named `InfisicalWorkerClosed`. */
  terminate(): Promise<void>;
  /** Settles once the worker is gone (terminated, retired and done, or crashed). */
  readonly gone: Promise<void>;
}

/** Name of the error a request rejects with when its worker is gone (retired, closed or crashed). */
export const WORKER_CLOSED = 'InfisicalWorkerClosed';
/** Name of the error a request rejects with when the worker could not load `@infisical/sdk`. */
export const SDK_NOT_LOADED = 'InfisicalSdkNotLoaded';

// Plain JavaScript, run as the worker's script: it loads the SDK by the URL the main thread
// resolved, and answers each request with `{ id, ok, value }` or `{ id, ok: false, name, message }`
// (the SDK's errors carry nothing else). Only the four methods above can be called.
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
let sdk;
const loaded = import(workerData.sdkUrl).then((module) => {
  sdk = new module.InfisicalSDK({ siteUrl: workerData.siteUrl });
});
loaded.catch(() => {});
const methods = {
  login: (args) => sdk.auth().universalAuth.login(args).then(() => undefined),
  keyByName: (args) => sdk.kms().keys().getByName(args).then((key) => (key ? { id: key.id } : undefined)),
  encrypt: (args) => sdk.kms().encryption().encrypt(args),
  decrypt: (args) => sdk.kms().encryption().decrypt(args),
};
parentPort.on('message', ({ id, method, args }) => {
  loaded
    .then(
      () => methods[method](args),
      () => Promise.reject({ name: '${SDK_NOT_LOADED}', message: 'could not load @infisical/sdk' }),
    )
    .then(
      (value) => parentPort.postMessage({ id, ok: true, value }),
      (error) => parentPort.postMessage({
        id,
        ok: false,
        name: String((error && error.name) || 'Error'),
        message: String((error && error.message) || error),
      }),
    );
});
`;

/**
 * Where `@infisical/sdk` is, resolved from this module (ES modules and the test runner), or by
 * `require` (CommonJS build, where `import.meta` is empty). Resolving reads no SDK code; the worker
 * imports it. Throws `MissingDependencyError` when the optional package is not installed.
 */
export function resolveInfisicalSdkUrl(): string {
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  return resolveOptional(OPTIONAL_DEPENDENCIES.infisical, 'The Infisical cipher', (name) =>
    typeof meta.resolve === 'function' ? meta.resolve(name) : pathToFileURL(require.resolve(name)).href,
  );
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** False once the caller stopped waiting (its signal aborted). */
  waited: boolean;
}

/**
 * Starts a worker thread holding one `new InfisicalSDK({ siteUrl })`, the SDK imported from
 * `sdkUrl` (see `resolveInfisicalSdkUrl`). It keeps the process alive only while a caller waits for
 * one of its answers. Requests reject with an error named `InfisicalSdkNotLoaded` when the SDK
 * cannot be imported; throws whatever `new Worker()` throws.
 */
export function startInfisicalWorker(siteUrl: string, sdkUrl: string): InfisicalWorker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { sdkUrl, siteUrl },
  });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let retired = false;
  let gone = false;
  let markGone: () => void = () => {};
  const goneSignal = new Promise<void>((resolve) => {
    markGone = resolve;
  });

  const waiting = () => [...pending.values()].filter((entry) => entry.waited).length;
  function settle(id: number): Pending | undefined {
    const entry = pending.get(id);
    pending.delete(id);
    update();
    return entry;
  }
  /** Holds the process only while someone waits; ends a retired worker nobody waits for. */
  function update(): void {
    if (gone) return;
    if (retired && waiting() === 0) {
      void stop();
      return;
    }
    if (waiting() > 0) worker.ref();
    else worker.unref();
  }
  function stop(): Promise<void> {
    if (!gone) {
      gone = true;
      for (const entry of pending.values())
        entry.reject(namedError(WORKER_CLOSED, 'the Infisical worker was closed'));
      pending.clear();
      markGone();
    }
    return worker.terminate().then(() => undefined);
  }

  worker.on(
    'message',
    (message: { id: number; ok: boolean; value?: unknown; name?: string; message?: string }) => {
      const entry = settle(message.id);
      if (!entry) return;
      if (message.ok) entry.resolve(message.value);
      else entry.reject(namedError(message.name ?? 'Error', message.message ?? ''));
    },
  );
  worker.on('error', () => void stop());
  worker.on('exit', () => void stop());
  worker.unref(); // after the listeners: adding a 'message' listener refs the worker again

  function request(method: Method, args: unknown, signal: AbortSignal): Promise<unknown> {
    if (gone || retired || signal.aborted) {
      return Promise.reject(namedError(WORKER_CLOSED, 'the Infisical worker was closed'));
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { resolve, reject, waited: true };
      pending.set(id, entry);
      signal.addEventListener(
        'abort',
        () => {
          entry.waited = false;
          update();
        },
        { once: true },
      );
      worker.postMessage({ id, method, args });
      update();
    });
  }

  return {
    calls(signal) {
      return {
        login: (args) => request('login', args, signal) as Promise<void>,
        keyByName: (args) => request('keyByName', args, signal) as Promise<{ id: unknown } | undefined>,
        encrypt: (args) => request('encrypt', args, signal),
        decrypt: (args) => request('decrypt', args, signal),
      };
    },
    retire() {
      retired = true;
      update();
    },
    terminate: stop,
    gone: goneSignal,
  };
}
