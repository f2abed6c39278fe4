import * as z from 'zod/mini';
import { whole } from '../errors/check-settings.ts';

/**
 * How much of a gateway's answer the router reads. Past a bound the attempt fails with a
 * `bad-response` `GatewayError` (the call moves to the next candidate; a stream that already
 * delivered content ends with `StreamInterruptedError`), and the connection is closed.
 */
export interface AnswerLimits {
  /**
   * Largest whole (non-streamed) answer body, and largest error body, in bytes. @default 8_388_608 (8 MiB)
   */
  readonly maxBodyBytes?: number;
  /** Largest single line or event of a streamed answer (server-sent events), in bytes. @default 1_048_576 (1 MiB) */
  readonly maxEventBytes?: number;
  /** Largest whole streamed answer, in bytes. @default 67_108_864 (64 MiB) */
  readonly maxStreamBytes?: number;
}

/** The bounds in force when `answerLimits` leaves one out. */
export const DEFAULT_ANSWER_LIMITS: Required<AnswerLimits> = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxEventBytes: 1024 * 1024,
  maxStreamBytes: 64 * 1024 * 1024,
};

/**
 * Tool calls one answer may hold. A tool call's position (`index`) on the wire must be a whole
 * number from 0 to 127; anything else makes the answer a `bad-response`.
 */
export const MAX_TOOL_CALLS = 128;

/** `answerLimits` with every default filled in. */
export function resolveAnswerLimits(limits: AnswerLimits | undefined): Required<AnswerLimits> {
  return { ...DEFAULT_ANSWER_LIMITS, ...limits };
}

const bytes = z.optional(
  z
    .number({ message: 'expected a number of bytes' })
    .check(
      whole('expected a whole number of bytes'),
      z.minimum(1024, 'expected at least 1024 bytes'),
      z.maximum(2 ** 31, 'expected at most 2147483648 bytes (2 GiB)'),
    ),
);

/** Checks the `answerLimits` setting. */
export const answerLimitsSchema = z.strictObject({
  maxBodyBytes: bytes,
  maxEventBytes: bytes,
  maxStreamBytes: bytes,
});
