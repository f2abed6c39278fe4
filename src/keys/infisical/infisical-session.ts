import type { InfisicalSDK } from '@infisical/sdk';
import type { Clock } from '../../clock/clock.ts';
import { KeyVaultError } from '../key-vault-error.ts';
import { withDeadline } from '../with-deadline.ts';
import {
  type InfisicalOperation,
  isTokenProblem,
  readInfisicalError,
  toKeyVaultError,
} from './read-infisical-error.ts';

/** What an Infisical session needs. */
export interface InfisicalSessionSettings {
  readonly siteUrl: string;
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
    call: (sdk: InfisicalSDK) => Promise<T>,
    secrets?: readonly (string | undefined)[],
  ): Promise<T>;
}

interface Connection {
  readonly sdk: InfisicalSDK;
  /** Settles when the Universal Auth login has finished. */
  readonly ready: Promise<void>;
}

/**
 * Owns one SDK instance (one identity). The SDK retries refused connections and 429 for about 15 s
 * and waits up to 10 s per attempt on real timers, with no way to pass a signal; so every
 * operation races a deadline on the router clock, and a connection whose operation ran out of time
 * is dropped (the next operation starts a fresh SDK instance and login) while the abandoned one
 * finishes in the background.
 */
export function createInfisicalSession(settings: InfisicalSessionSettings): InfisicalSession {
  let current: Connection | undefined;
  const credentials = { clientId: settings.clientId, clientSecret: settings.clientSecret };

  async function connect(): Promise<Connection> {
    // Loaded on first use: the SDK pulls in AWS modules (~0.1 s) that routers without Infisical never need.
    const { InfisicalSDK: Sdk } = await import('@infisical/sdk');
    const sdk = new Sdk({ siteUrl: settings.siteUrl });
    const ready = sdk
      .auth()
      .universalAuth.login(credentials)
      .then(() => undefined);
    ready.catch(() => {}); // observed by whoever awaits it; never unhandled
    return { sdk, ready };
  }

  let connecting: Promise<Connection> | undefined;
  function connection(): Promise<Connection> {
    if (current) return Promise.resolve(current);
    connecting ??= connect().then(
      (created) => {
        current = created;
        connecting = undefined;
        return created;
      },
      (error: unknown) => {
        connecting = undefined;
        throw error;
      },
    );
    return connecting;
  }

  function drop(connection: Connection | undefined): void {
    if (connection && current === connection) current = undefined;
  }

  // Infisical locks an identity for 5 minutes after 3 failed logins. After a refused login, the
  // same error is returned without a new attempt for `loginRetryDelayMs`, so a burst of calls with
  // wrong credentials cannot lock the identity.
  let refusedLogin: { error: KeyVaultError; until: number } | undefined;

  return {
    run(operation, call, secrets = []) {
      const allSecrets = [settings.clientSecret, ...secrets];
      let inUse: Connection | undefined;
      return withDeadline(
        settings.clock,
        settings.requestTimeoutMs,
        async () => {
          if (refusedLogin && settings.clock.now() < refusedLogin.until) throw refusedLogin.error;
          for (let attempt = 0; ; attempt++) {
            try {
              inUse = await connection();
            } catch {
              throw new KeyVaultError({
                kind: 'misconfigured',
                message: 'Could not load @infisical/sdk; install it (npm install @infisical/sdk@5.0.2).',
              });
            }
            try {
              await inUse.ready;
            } catch (error) {
              drop(inUse);
              const refused = toKeyVaultError('login', error, allSecrets);
              if (refused.kind === 'unauthorized') {
                refusedLogin = { error: refused, until: settings.clock.now() + settings.loginRetryDelayMs };
              }
              throw refused;
            }
            try {
              return await call(inUse.sdk);
            } catch (error) {
              if (attempt === 0 && isTokenProblem(readInfisicalError(error))) {
                drop(inUse);
                continue;
              }
              throw toKeyVaultError(operation, error, allSecrets);
            }
          }
        },
        () => {
          drop(inUse);
          return new KeyVaultError({
            kind: 'unavailable',
            message: `Infisical ${operation} did not finish within requestTimeoutMs=${settings.requestTimeoutMs} (connection refused, server down, slow or rate-limiting). Retry later.`,
          });
        },
      );
    },
  };
}
