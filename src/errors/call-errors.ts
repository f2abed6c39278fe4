import type { Cost, TokenUsage, ToolCall } from '../types/chat.ts';
import type { Attempt, Route } from '../types/route.ts';
import type { GatewayError } from './gateway-error.ts';
import { RouterError } from './router-error.ts';

function describeAttempt(attempt: Attempt): string {
  const { route, error } = attempt;
  const where = `${route.gateway}:${route.gatewayModel}`;
  if (!error) return `${where}: ${attempt.outcome}`;
  const status = error.status === undefined ? '' : ` ${error.status}`;
  return `${where}: ${error.kind}${status} (${error.message})`;
}

/** A call that ended without a result. Carries every attempt made, in order. */
export class CallError extends RouterError {
  readonly callId: string;
  readonly attempts: readonly Attempt[];

  constructor(options: {
    name: string;
    message: string;
    callId: string;
    attempts: readonly Attempt[];
    cause?: unknown;
    isRetryable?: boolean;
  }) {
    super(options);
    this.name = options.name;
    this.callId = options.callId;
    this.attempts = options.attempts;
  }

  /** The error of every failed or skipped attempt, in order. */
  get errors(): readonly GatewayError[] {
    const errors: GatewayError[] = [];
    for (const attempt of this.attempts) if (attempt.error) errors.push(attempt.error);
    return errors;
  }

  static override isInstance(error: unknown): error is CallError {
    return RouterError.isInstance(error) && 'callId' in error && 'attempts' in error;
  }
}

/** Every candidate was tried (or skipped) and none answered. `attempts` says what happened to each. */
export class AllCandidatesFailedError extends CallError {
  constructor({ callId, attempts }: { callId: string; attempts: readonly Attempt[] }) {
    const last = attempts.at(-1)?.error;
    super({
      name: 'AllCandidatesFailedError',
      message: `All ${attempts.length} candidate(s) failed: ${attempts.map(describeAttempt).join('; ')}`,
      callId,
      attempts,
      cause: last,
      isRetryable: attempts.some(
        (attempt) => attempt.error?.isRetryable || attempt.error?.kind === 'breaker-open',
      ),
    });
  }

  /** The shortest wait any gateway asked for, when every failure was a rate limit or an open breaker. */
  get retryAfterMs(): number | undefined {
    let shortest: number | undefined;
    for (const error of this.errors) {
      if (error.retryAfterMs !== undefined && (shortest === undefined || error.retryAfterMs < shortest)) {
        shortest = error.retryAfterMs;
      }
    }
    return shortest;
  }

  static override isInstance(error: unknown): error is AllCandidatesFailedError {
    return RouterError.hasName(error, 'AllCandidatesFailedError');
  }
}

/**
 * The gateway refused the request itself (HTTP 400/422, content filter): another candidate would
 * refuse it too, so the router stopped without falling back. Fix the request.
 */
export class RequestRejectedError extends CallError {
  readonly status: number | undefined;

  constructor({
    callId,
    attempts,
    error,
  }: { callId: string; attempts: readonly Attempt[]; error: GatewayError }) {
    super({
      name: 'RequestRejectedError',
      message: `The request was rejected by ${error.gateway}${error.status === undefined ? '' : ` (${error.status})`}: ${error.message}`,
      callId,
      attempts,
      cause: error,
    });
    this.status = error.status;
  }

  static override isInstance(error: unknown): error is RequestRejectedError {
    return RouterError.hasName(error, 'RequestRejectedError');
  }
}

/** The caller's `signal` aborted the call. */
export class CallAbortedError extends CallError {
  constructor({
    callId,
    attempts,
    cause,
  }: { callId: string; attempts: readonly Attempt[]; cause?: unknown }) {
    super({
      name: 'CallAbortedError',
      message: 'The call was aborted by its signal.',
      callId,
      attempts,
      cause,
    });
  }

  static override isInstance(error: unknown): error is CallAbortedError {
    return RouterError.hasName(error, 'CallAbortedError');
  }
}

/** The call's overall deadline (`timeoutMs`) passed before any candidate answered. */
export class CallTimeoutError extends CallError {
  readonly timeoutMs: number;

  constructor({
    callId,
    attempts,
    timeoutMs,
  }: { callId: string; attempts: readonly Attempt[]; timeoutMs: number }) {
    super({
      name: 'CallTimeoutError',
      message: `The call did not finish within timeoutMs=${timeoutMs}. Raise \`timeoutMs\` for long generations, or use stream().`,
      callId,
      attempts,
      isRetryable: true,
    });
    this.timeoutMs = timeoutMs;
  }

  static override isInstance(error: unknown): error is CallTimeoutError {
    return RouterError.hasName(error, 'CallTimeoutError');
  }
}

/** Why one model or offer was not a candidate. */
export interface ExcludedCandidate {
  readonly model: string;
  readonly gateway?: string;
  readonly reason: string;
}

/**
 * No model, provider and gateway combination can serve the call: the model is unknown or not
 * enabled, no model meets the requirements, or every provider is disabled. Nothing was sent.
 */
export class NoCandidatesError extends CallError {
  readonly excluded: readonly ExcludedCandidate[];

  constructor({
    callId,
    message,
    excluded,
  }: { callId: string; message: string; excluded: readonly ExcludedCandidate[] }) {
    const detail = excluded
      .slice(0, 8)
      .map((entry) => `${entry.model}${entry.gateway ? `@${entry.gateway}` : ''}: ${entry.reason}`);
    const more = excluded.length > 8 ? `; and ${excluded.length - 8} more` : '';
    super({
      name: 'NoCandidatesError',
      message: detail.length > 0 ? `${message} (${detail.join('; ')}${more})` : message,
      callId,
      attempts: [],
    });
    this.excluded = excluded;
  }

  static override isInstance(error: unknown): error is NoCandidatesError {
    return RouterError.hasName(error, 'NoCandidatesError');
  }
}

/**
 * A stream failed after content had reached the caller, so the router did not replay it elsewhere.
 * `partialText` and `partialToolCalls` hold what was delivered; `usage` and `cost` what it cost.
 */
export class StreamInterruptedError extends CallError {
  readonly partialText: string;
  readonly partialToolCalls: readonly ToolCall[];
  readonly usage: TokenUsage;
  readonly cost: Cost;
  readonly route: Route;

  constructor(options: {
    callId: string;
    attempts: readonly Attempt[];
    error: GatewayError;
    partialText: string;
    partialToolCalls: readonly ToolCall[];
    usage: TokenUsage;
    cost: Cost;
    route: Route;
  }) {
    super({
      name: 'StreamInterruptedError',
      message: `The stream from ${options.route.gateway} broke after ${options.partialText.length} characters: ${options.error.kind}${options.error.status === undefined ? '' : ` ${options.error.status}`} (${options.error.message})`,
      callId: options.callId,
      attempts: options.attempts,
      cause: options.error,
    });
    this.partialText = options.partialText;
    this.partialToolCalls = options.partialToolCalls;
    this.usage = options.usage;
    this.cost = options.cost;
    this.route = options.route;
  }

  /** The failure that broke the stream. */
  get error(): GatewayError {
    return this.cause as GatewayError;
  }

  static override isInstance(error: unknown): error is StreamInterruptedError {
    return RouterError.hasName(error, 'StreamInterruptedError');
  }
}
