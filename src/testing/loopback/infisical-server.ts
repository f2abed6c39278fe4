import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSystemClock } from '../../clock/create-system-clock.ts';
import type { Clock } from '../../types/clock.ts';
import { type HttpServerHandle, type RecordedRequest, startHttpServer } from './http-server.ts';

/** A machine identity that can log in with Universal Auth. */
export interface InfisicalIdentity {
  readonly clientId: string;
  readonly clientSecret: string;
  /** What the identity may do with KMS keys. @default both */
  readonly permissions?: { readonly encrypt?: boolean; readonly decrypt?: boolean };
}

/** A KMS key held by the emulator. */
export interface InfisicalKmsKey {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  readonly isDisabled: boolean;
}

/** The routes a fault can target. */
export type InfisicalRoute = 'login' | 'renew' | 'encrypt' | 'decrypt' | 'keys' | 'any';

/** A failure to inject into the next matching requests. */
export type InfisicalFault =
  /** An answer with this status; Infisical's error body unless `body` or `text` is given. */
  | {
      readonly status: number;
      readonly message?: string;
      /** The body's `error` field. @default by status (`InternalServerError`, `RateLimitExceeded`, …) */
      readonly error?: string;
      readonly body?: unknown;
      /** A non-JSON body instead (a proxy's HTML error page). */
      readonly text?: string;
    }
  /** Never answers. */
  | { readonly hang: true }
  /** Drops the connection. */
  | { readonly reset: true };

export interface InfisicalServerSettings {
  /** Identities that can log in. @default one identity with random credentials (see `identity`) */
  readonly identities?: readonly InfisicalIdentity[];
  /**
   * Lifetime of issued access tokens, seconds (reported as `expiresIn`, enforced on `clock`).
   * @default 2592000 (30 days)
   */
  readonly accessTokenTtlSeconds?: number;
  /** Decides when tokens expire and lockouts end; pass a fake clock to expire tokens by advancing it. */
  readonly clock?: Clock;
  /**
   * Lock an identity after this many failed logins, for `durationMs` (Infisical's default is 3
   * failures and 300 s). Off unless given.
   */
  readonly lockout?: { readonly attempts: number; readonly durationMs: number };
  /**
   * The answer to a ciphertext that fails authentication. The Infisical source read for this
   * emulator throws a plain error there, which its error handler turns into 500 "Something went
   * wrong"; servers that raise `CryptographyError` answer 400.
   * @default 'server-error'
   */
  readonly undecryptable?: 'server-error' | 'bad-request';
  readonly port?: number;
}

/** A running loopback Infisical. Point `new InfisicalSDK({ siteUrl })` at `siteUrl`. */
export interface InfisicalServer extends HttpServerHandle {
  /** Same as `url`: what the SDK takes as `siteUrl`. */
  readonly siteUrl: string;
  /** The first identity's credentials. */
  readonly identity: InfisicalIdentity;
  /** Creates a KMS key (AES-256-GCM under a random key only the emulator holds). */
  createKey(options?: { name?: string; projectId?: string; disabled?: boolean }): InfisicalKmsKey;
  setKeyDisabled(keyId: string, disabled: boolean): void;
  /** Every access token issued so far now answers 403 `TokenError` "Your token has expired…". */
  expireTokens(): void;
  /** Successful logins so far. */
  readonly logins: number;
  /** Requests to one route, in order (login bodies include the client secret: keep them out of logs). */
  requestsTo(route: Exclude<InfisicalRoute, 'any'>): readonly RecordedRequest[];
  fail(fault: InfisicalFault, options?: { route?: InfisicalRoute; times?: number }): void;
  clearFaults(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_PLAINTEXT = 4096;
const VERSION_SUFFIX = Buffer.from('v01', 'utf8');
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const DEFAULT_ERROR: Readonly<Record<number, [error: string, message: string]>> = {
  400: ['BadRequest', 'Bad request'],
  401: ['UnauthorizedError', 'Unauthorized'],
  403: ['PermissionDenied', 'You are not allowed to perform this action'],
  404: ['NotFound', 'Not found'],
  429: ['RateLimitExceeded', 'Rate limit exceeded. Please try again in 60 seconds'],
  500: ['InternalServerError', 'Something went wrong'],
};

interface Token {
  readonly identity: InfisicalIdentity;
  readonly expiresAt: number;
  expired: boolean;
}

interface KeyMaterial extends InfisicalKmsKey {
  isDisabled: boolean;
  readonly material: Buffer;
}

function routeOf(method: string, path: string): Exclude<InfisicalRoute, 'any'> | undefined {
  if (method === 'POST' && path === '/api/v1/auth/universal-auth/login') return 'login';
  if (method === 'POST' && path === '/api/v1/auth/token/renew') return 'renew';
  if (method === 'POST' && /^\/api\/v1\/kms\/keys\/[^/]+\/encrypt$/.test(path)) return 'encrypt';
  if (method === 'POST' && /^\/api\/v1\/kms\/keys\/[^/]+\/decrypt$/.test(path)) return 'decrypt';
  if (path.startsWith('/api/v1/kms/keys')) return 'keys';
  return undefined;
}

/**
 * A loopback Infisical speaking the wire protocol `@infisical/sdk` 5.0.2 uses: Universal Auth
 * login and renew, KMS key create / get-by-name / delete, and encrypt / decrypt. Error bodies are
 * `{ reqId, statusCode, message, error }`; validation failures are 422 with `message` as an array of
 * issues, as the real server's zod path sends. Ciphertexts are AES-256-GCM under per-key random
 * keys the emulator never shares, followed by a `v01` version suffix, so tests cannot decode them.
 *
 * @example
 * const infisical = await startInfisicalServer();
 * const key = infisical.createKey();
 * const sdk = new InfisicalSDK({ siteUrl: infisical.siteUrl });
 * await sdk.auth().universalAuth.login(infisical.identity);
 */
export async function startInfisicalServer(settings: InfisicalServerSettings = {}): Promise<InfisicalServer> {
  const identities: InfisicalIdentity[] = settings.identities?.length
    ? [...settings.identities]
    : [{ clientId: randomUUID(), clientSecret: randomBytes(32).toString('hex') }];
  const ttlSeconds = settings.accessTokenTtlSeconds ?? 2_592_000;
  const clock = settings.clock ?? createSystemClock();
  const tokens = new Map<string, Token>();
  const keys = new Map<string, KeyMaterial>();
  const failedLogins = new Map<string, { count: number; lockedUntil: number }>();
  const faults: { fault: InfisicalFault; route: InfisicalRoute; remaining: number }[] = [];
  let logins = 0;

  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };
  const sendError = (response: ServerResponse, status: number, message: unknown, error?: string) =>
    send(response, status, {
      reqId: `req-${randomBytes(8).toString('hex')}`,
      statusCode: status,
      message,
      error: error ?? DEFAULT_ERROR[status]?.[0] ?? 'Error',
    });
  const validationFailure = (response: ServerResponse, issues: readonly Record<string, unknown>[]) =>
    sendError(response, 422, issues, 'ValidationFailure');

  function issueToken(identity: InfisicalIdentity) {
    const accessToken = `ey${randomBytes(32).toString('base64url')}`;
    tokens.set(accessToken, { identity, expiresAt: clock.now() + ttlSeconds * 1000, expired: false });
    return { accessToken, expiresIn: ttlSeconds, accessTokenMaxTTL: ttlSeconds, tokenType: 'Bearer' };
  }

  /** The caller's identity, or `undefined` after answering 401/403 like the real auth hook. */
  function authenticate(request: RecordedRequest, response: ServerResponse): InfisicalIdentity | undefined {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      sendError(response, 401, 'Token missing', 'UnauthorizedError');
      return undefined;
    }
    const token = tokens.get(match[1]);
    if (!token) {
      sendError(
        response,
        403,
        'The provided access token is malformed. Please use a valid token or generate a new one and try again.',
        'TokenError',
      );
      return undefined;
    }
    if (token.expired || clock.now() >= token.expiresAt) {
      sendError(response, 403, 'Your token has expired. Please re-authenticate.', 'TokenError');
      return undefined;
    }
    return token.identity;
  }

  function takeFault(route: Exclude<InfisicalRoute, 'any'> | undefined): InfisicalFault | undefined {
    const index = faults.findIndex((entry) => entry.route === 'any' || entry.route === route);
    const entry = faults[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) faults.splice(index, 1);
    return entry.fault;
  }

  function handleLogin(request: RecordedRequest, response: ServerResponse) {
    const body = (request.body ?? {}) as { clientId?: unknown; clientSecret?: unknown };
    const issues: Record<string, unknown>[] = [];
    for (const field of ['clientId', 'clientSecret'] as const) {
      if (typeof body[field] !== 'string')
        issues.push({
          code: 'invalid_type',
          expected: 'string',
          received: typeof body[field],
          path: [field],
          message: 'Required',
        });
    }
    if (issues.length > 0) return validationFailure(response, issues);
    const clientId = body.clientId as string;
    const failures = failedLogins.get(clientId);
    if (settings.lockout && failures && failures.lockedUntil > clock.now()) {
      return sendError(
        response,
        401,
        'This identity auth method is temporarily locked, please try again later',
        'UnauthorizedError',
      );
    }
    const identity = identities.find((candidate) => candidate.clientId === clientId);
    if (!identity || identity.clientSecret !== body.clientSecret) {
      if (settings.lockout) {
        const count = (failures?.count ?? 0) + 1;
        const locked = count >= settings.lockout.attempts;
        failedLogins.set(clientId, {
          count: locked ? 0 : count,
          lockedUntil: locked ? clock.now() + settings.lockout.durationMs : 0,
        });
      }
      return sendError(response, 401, 'Invalid credentials', 'UnauthorizedError');
    }
    failedLogins.delete(clientId);
    logins++;
    return send(response, 200, issueToken(identity));
  }

  function handleRenew(request: RecordedRequest, response: ServerResponse) {
    const accessToken = (request.body as { accessToken?: unknown } | undefined)?.accessToken;
    if (typeof accessToken !== 'string')
      return validationFailure(response, [
        { code: 'invalid_type', expected: 'string', path: ['accessToken'], message: 'Required' },
      ]);
    const token = tokens.get(accessToken);
    if (!token)
      return sendError(
        response,
        403,
        'The provided access token is malformed. Please use a valid token or generate a new one and try again.',
        'TokenError',
      );
    if (token.expired || clock.now() >= token.expiresAt)
      return sendError(response, 403, 'Your token has expired. Please re-authenticate.', 'TokenError');
    return send(response, 200, issueToken(token.identity));
  }

  const publicKey = (key: KeyMaterial) => ({
    id: key.id,
    description: '',
    isDisabled: key.isDisabled,
    orgId: '00000000-0000-4000-8000-000000000000',
    name: key.name,
    projectId: key.projectId,
    keyUsage: 'encrypt-decrypt',
    version: 1,
    encryptionAlgorithm: 'aes-256-gcm',
  });

  function createKey(options: { name?: string; projectId?: string; disabled?: boolean } = {}): KeyMaterial {
    const key: KeyMaterial = {
      id: randomUUID(),
      name: options.name ?? `byok-${randomBytes(3).toString('hex')}`,
      projectId: options.projectId ?? randomUUID(),
      isDisabled: options.disabled ?? false,
      material: randomBytes(32),
    };
    keys.set(key.id, key);
    return key;
  }

  function handleKeys(request: RecordedRequest, response: ServerResponse, path: string, url: URL) {
    if (!authenticate(request, response)) return;
    if (request.method === 'POST' && path === '/api/v1/kms/keys') {
      const body = (request.body ?? {}) as { projectId?: unknown; name?: unknown };
      const name = typeof body.name === 'string' ? body.name.trim().toLowerCase() : undefined;
      if (typeof body.projectId !== 'string' || !name || name.length > 32 || !SLUG.test(name)) {
        return validationFailure(response, [
          { code: 'custom', message: 'Invalid projectId or name', path: ['name'] },
        ]);
      }
      if ([...keys.values()].some((key) => key.projectId === body.projectId && key.name === name)) {
        return sendError(
          response,
          400,
          `A KMS key with the name "${name}" already exists for the project with ID "${body.projectId}"`,
          'BadRequest',
        );
      }
      return send(response, 200, { key: publicKey(createKey({ name, projectId: body.projectId })) });
    }
    const byName = /^\/api\/v1\/kms\/keys\/key-name\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && byName?.[1]) {
      const name = decodeURIComponent(byName[1]);
      const projectId = url.searchParams.get('projectId');
      const key = [...keys.values()].find(
        (candidate) => candidate.name === name && candidate.projectId === projectId,
      );
      if (!key) return sendError(response, 404, `Key with name "${name}" not found`, 'NotFound');
      return send(response, 200, { key: publicKey(key) });
    }
    const byId = /^\/api\/v1\/kms\/keys\/([^/]+)$/.exec(path);
    if (request.method === 'DELETE' && byId?.[1]) {
      const key = keys.get(byId[1]);
      if (!key) return sendError(response, 404, `Key with ID "${byId[1]}" not found`, 'NotFound');
      keys.delete(key.id);
      return send(response, 200, { key: publicKey(key) });
    }
    return sendError(response, 404, `Route ${request.method}:${path} not found`, 'Not Found');
  }

  function handleCrypto(
    operation: 'encrypt' | 'decrypt',
    request: RecordedRequest,
    response: ServerResponse,
    path: string,
  ) {
    const identity = authenticate(request, response);
    if (!identity) return;
    const keyId = decodeURIComponent(path.split('/')[5] ?? '');
    if (!UUID.test(keyId)) {
      return validationFailure(response, [
        { validation: 'uuid', code: 'invalid_string', message: 'Invalid uuid', path: ['keyId'] },
      ]);
    }
    const field = operation === 'encrypt' ? 'plaintext' : 'ciphertext';
    const value = (request.body as Record<string, unknown> | undefined)?.[field];
    if (typeof value !== 'string') {
      return validationFailure(response, [
        {
          code: 'invalid_type',
          expected: 'string',
          received: typeof value,
          path: [field],
          message: 'Required',
        },
      ]);
    }
    if (!BASE64.test(value)) {
      return validationFailure(response, [
        { code: 'custom', message: `${field} must be base64 encoded`, path: [field] },
      ]);
    }
    const data = Buffer.from(value, 'base64');
    if (operation === 'encrypt' && data.length > MAX_PLAINTEXT) {
      return validationFailure(response, [
        { code: 'custom', message: `data cannot exceed ${MAX_PLAINTEXT} bytes`, path: [field] },
      ]);
    }
    if (identity.permissions?.[operation] === false) {
      return sendError(response, 403, `You are not allowed to ${operation} on cmek`, 'PermissionDenied');
    }
    const key = keys.get(keyId);
    if (!key) return sendError(response, 404, `Key with ID "${keyId}" not found`, 'NotFound');
    if (key.isDisabled) return sendError(response, 400, 'Key is disabled', 'BadRequest');
    if (operation === 'encrypt') {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.material, iv);
      const sealed = Buffer.concat([
        iv,
        cipher.update(data),
        cipher.final(),
        cipher.getAuthTag(),
        VERSION_SUFFIX,
      ]);
      return send(response, 200, { ciphertext: sealed.toString('base64') });
    }
    const blob = data.subarray(0, Math.max(0, data.length - VERSION_SUFFIX.length));
    try {
      if (blob.length < 28) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', key.material, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      const plaintext = Buffer.concat([
        decipher.update(blob.subarray(12, blob.length - 16)),
        decipher.final(),
      ]);
      return send(response, 200, { plaintext: plaintext.toString('base64') });
    } catch {
      return settings.undecryptable === 'bad-request'
        ? sendError(response, 400, 'Invalid ciphertext or keys', 'CryptographyError')
        : sendError(response, 500, 'Something went wrong', 'InternalServerError');
    }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest) => {
    const url = new URL(recorded.path, 'http://127.0.0.1');
    const path = url.pathname;
    const route = routeOf(recorded.method, path);
    const fault = takeFault(route);
    if (fault && 'hang' in fault) return;
    if (fault && 'reset' in fault) return request.socket.destroy();
    if (fault && 'status' in fault) {
      if (fault.text !== undefined) {
        response.writeHead(fault.status, { 'content-type': 'text/html' });
        return response.end(fault.text);
      }
      if (fault.body !== undefined) return send(response, fault.status, fault.body);
      const [error, message] = DEFAULT_ERROR[fault.status] ?? ['Error', `injected ${fault.status}`];
      return sendError(response, fault.status, fault.message ?? message, fault.error ?? error);
    }
    if (route === 'login') return handleLogin(recorded, response);
    if (route === 'renew') return handleRenew(recorded, response);
    if (route === 'encrypt' || route === 'decrypt') return handleCrypto(route, recorded, response, path);
    if (route === 'keys') return handleKeys(recorded, response, path, url);
    return sendError(response, 404, `Route ${recorded.method}:${path} not found`, 'Not Found');
  };

  const server = await startHttpServer(handle, settings.port === undefined ? {} : { port: settings.port });
  const firstIdentity = identities[0] as InfisicalIdentity;

  return {
    ...server,
    siteUrl: server.url,
    identity: firstIdentity,
    createKey(options) {
      const { material: _material, ...key } = createKey(options);
      return { ...key };
    },
    setKeyDisabled(keyId, disabled) {
      const key = keys.get(keyId);
      if (!key) throw new Error(`InfisicalServer: no key ${keyId}`);
      key.isDisabled = disabled;
    },
    expireTokens() {
      for (const token of tokens.values()) token.expired = true;
    },
    get logins() {
      return logins;
    },
    requestsTo(route) {
      return server.requests.filter(
        (request) => routeOf(request.method, new URL(request.path, 'http://127.0.0.1').pathname) === route,
      );
    },
    fail(fault, options = {}) {
      faults.push({ fault, route: options.route ?? 'any', remaining: options.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
  };
}
