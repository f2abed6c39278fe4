import { summarizeError } from '../errors/redact.ts';
import type { LuaScript } from './limit-scripts.ts';
import type { RedisScriptAdapter } from './redis-script-adapter.ts';

/** Redis did not answer in time, or could not be reached: the store's failure policy applies. */
export class StoreUnreachable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StoreUnreachable';
  }
}

/** Redis answered with an error that another try will not fix (a bug, or foreign data). */
export class StoreRejected extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'StoreRejected';
  }
}

const REPLY_ERROR_NAMES = new Set(['ReplyError', 'ErrorReply', 'SimpleError', 'BlobError']);
// Replies that mean "not now" rather than "never": loading, failover, a script running too long,
// a cluster resharding, out of memory, writes refused after a failed save.
const UNAVAILABLE_CODES = new Set([
  'LOADING',
  'BUSY',
  'MASTERDOWN',
  'CLUSTERDOWN',
  'TRYAGAIN',
  'READONLY',
  'OOM',
  'NOREPLICAS',
  'MISCONF',
]);

function replyCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = /^([A-Z][A-Z_-]+) /.exec(error.message)?.[1];
  const named = REPLY_ERROR_NAMES.has(error.name) || REPLY_ERROR_NAMES.has(error.constructor.name);
  return named || code !== undefined ? (code ?? 'ERR') : undefined;
}

/**
 * Runs the store's scripts with `EVALSHA`, falling back to `EVAL` (which caches the script on the
 * server that holds the keys) when the server answers `NOSCRIPT`: after a restart, a flush, or on
 * a Cluster node that never saw it. Each run is bounded by `timeoutMs` from start to reply.
 */
export class ScriptRunner {
  private readonly adapter: RedisScriptAdapter;
  private readonly keys: readonly string[];
  private readonly timeoutMs: number;

  /** `routingKey`: a key of the store, so a Cluster client sends every script to its slot. */
  constructor(adapter: RedisScriptAdapter, routingKey: string, timeoutMs: number) {
    this.adapter = adapter;
    this.keys = [routingKey];
    this.timeoutMs = timeoutMs;
  }

  /** The script's reply; throws `StoreUnreachable` or `StoreRejected`. */
  async run(script: LuaScript, args: readonly string[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnreachable(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
    });
    const attempt = this.evaluate(script, args);
    // The client may still settle the command after we stopped waiting: never leave that unhandled.
    attempt.catch(() => {});
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async evaluate(script: LuaScript, args: readonly string[]): Promise<unknown> {
    try {
      return await this.call(() => this.adapter.evalsha(script.sha, this.keys, args));
    } catch (error) {
      if (!(error instanceof StoreRejected) || replyCode(error.cause) !== 'NOSCRIPT') throw error;
      return this.call(() => this.adapter.eval(script.source, this.keys, args));
    }
  }

  private async call(send: () => Promise<unknown>): Promise<unknown> {
    try {
      return await send();
    } catch (error) {
      const code = replyCode(error);
      const { message } = summarizeError(error);
      if (code === undefined || UNAVAILABLE_CODES.has(code)) throw new StoreUnreachable(message);
      throw new StoreRejected(message, error);
    }
  }
}
