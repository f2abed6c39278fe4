import type { Clock } from '../../types/clock.ts';
import { KeyVaultError } from '../key-vault-error.ts';
import { withDeadline } from '../with-deadline.ts';
import {
  type InfisicalCalls,
  type InfisicalWorker,
  SDK_NOT_LOADED,
  startInfisicalWorker,
  WORKER_CLOSED,
} from './infisical-worker.ts';
import {
  type InfisicalOperation,
  isTokenProblem,
  readInfisicalError,
  toKeyVaultError,
} from './read-infisical-error.ts';

/** What an Infisical session needs. */
export interface InfisicalSessionSettings {
  readonly siteUrl: string;
  /** Where `@infisical/sdk` is (`resolveInfisicalSdkUrl()`). */
  readonly sdkUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Bound on each operation (login and one retry included), on `clock`. */
  readonly requestTimeoutMs: number;
  /** After Infisical refuses the credentials, how long to answer with that refusal without trying again. */
  readonly loginRetryDelayMs: number;
  readonly clock: Clock;
}

/** A logged-in `@infisical/sdk` client that logs in again when its token stops working. */
export interface InfisicalSession {
  /**
   * Runs `call` with a logged-in SDK. On 401, or 403 `TokenError` (Infisical's answer to an expired
   * token), logs in again and retries once. Rejects with `KeyVaultError` only, within
   * `requestTimeoutMs`.
   */
  run<T>(
    operation: InfisicalOperation,
    call: (sdk: InfisicalCalls) => Promise<T>,
    secrets?: readonly (string | undefined)[],
  ): Promise<T>;
  /** Ends every SDK request at once, abandoned ones included; later runs reject with `closed`. */
  close(): Promise<void>;
}

interface Connection {
  readonly worker: InfisicalWorker;
  /** Aborted when the connection is dropped: its login is no longer waited for. */
  readonly dropped: AbortController;
  /** Settles when the Universal Auth login has finished. */
  readonly ready: Promise<void>;
}

const named = (error: unknown, name: string) => (error as { name?: unknown } | undefined)?.name === name;

// The package was found when the cipher was created (else MissingDependencyError), but the worker
// could not import it: a broken or partial install.
const sdkMissing = () =>
  new KeyVaultError({
    kind: 'misconfigured',
    message: 'Could not load @infisical/sdk; reinstall it (npm install @infisical/sdk@5.0.2).',
  });

const workerRefused = (error: unknown) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return new KeyVaultError({
    kind: 'misconfigured',
    message: `Could not start the worker thread that runs @infisical/sdk${typeof code === 'string' ? ` (${code})` : ''}; the Infisical cipher needs node:worker_threads (under Node's permission model, --allow-worker).`,
  });
};

const closedError = () =>
  new KeyVaultError({
    kind: 'closed',
    message: 'The Infisical cipher was closed (vault.close()); create a new one to use Infisical again.',
  });

/** Attempts per operation: a re-login after an expired token, or a new worker after one closed under it. */
const MAX_ATTEMPTS = 3;

/**
 * Owns one SDK instance (one identity) at a time, each in its own worker thread (see
 * `startInfisicalWorker`). Every operation races a deadline on the router clock; a connection whose
 * operation ran out of time is dropped: the next operation starts a fresh worker and login, and the
 * dropped worker is terminated, ending the SDK's retries, as soon as no caller waits for it.
 * `close()` terminates every worker at once.
 */
export function createInfisicalSession(settings: InfisicalSessionSettings): InfisicalSession {
  let current: Connection | undefined;
  let closed = false;
  const workers = new Set<InfisicalWorker>();
  const credentials = { clientId: settings.clientId, clientSecret: settings.clientSecret };

  function connection(): Connection {
    if (current) return current;
    const worker = startInfisicalWorker(settings.siteUrl, settings.sdkUrl);
    workers.add(worker);
    worker.gone.then(() => workers.delete(worker));
    const dropped = new AbortController();
    const ready = worker.calls(dropped.signal).login(credentials);
    ready.catch(() => {}); // observed by whoever awaits it; never unhandled
    current = { worker, dropped, ready };
    return current;
  }

  function drop(connection: Connection | undefined): void {
    if (!connection) return;
    if (current === connection) current = undefined;
    connection.dropped.abort();
    connection.worker.retire();
  }

  // Infisical locks an identity for 5 minutes after 3 failed logins. After a refused login, the
  // same error is returned without a new attempt for `loginRetryDelayMs`, so a burst of calls with
  // wrong credentials cannot lock the identity.
  let refusedLogin: { error: KeyVaultError; until: number } | undefined;

  return {
    run(operation, call, secrets = []) {
      if (closed) return Promise.reject(closedError());
      const allSecrets = [settings.clientSecret, ...secrets];
      // Aborted at the deadline: the worker stops waiting for this operation's answers.
      const abandoned = new AbortController();
      let inUse: Connection | undefined;
      return withDeadline(
        settings.clock,
        settings.requestTimeoutMs,
        async () => {
          if (refusedLogin && settings.clock.now() < refusedLogin.until) throw refusedLogin.error;
          for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (closed) throw closedError();
            try {
              inUse = connection();
            } catch (error) {
              throw workerRefused(error);
            }
            try {
              await inUse.ready;
            } catch (error) {
              drop(inUse);
              if (named(error, WORKER_CLOSED) && !abandoned.signal.aborted) continue;
              if (named(error, SDK_NOT_LOADED)) throw sdkMissing();
              const refused = toKeyVaultError('login', error, allSecrets);
              if (refused.kind === 'unauthorized') {
                refusedLogin = { error: refused, until: settings.clock.now() + settings.loginRetryDelayMs };
              }
              throw refused;
            }
            try {
              return await call(inUse.worker.calls(abandoned.signal));
            } catch (error) {
              if (named(error, WORKER_CLOSED) && !abandoned.signal.aborted) {
                drop(inUse);
                continue;
              }
              if (attempt === 0 && isTokenProblem(readInfisicalError(error))) {
                drop(inUse);
                continue;
              }
              throw toKeyVaultError(operation, error, allSecrets);
            }
          }
          throw closed
            ? closedError()
            : new KeyVaultError({
                kind: 'unavailable',
                message: `Infisical ${operation} failed ${MAX_ATTEMPTS} times in a row (the SDK worker closed or the token kept expiring). Retry later.`,
              });
        },
        () => {
          abandoned.abort();
          drop(inUse);
          return new KeyVaultError({
            kind: 'unavailable',
            message: `Infisical ${operation} did not finish within requestTimeoutMs=${settings.requestTimeoutMs} (connection refused, server down, slow or rate-limiting). Retry later.`,
          });
        },
      );
    },

    async close() {
      closed = true;
      const all = [...workers];
      if (current) drop(current);
      await Promise.all(all.map((worker) => worker.terminate()));
    },
  };
}
