import { redactSecrets } from '../errors/redact.ts';
import type { Clock } from '../types/clock.ts';
import type { ProbeResult } from '../types/transport.ts';
import { type AnswerLimits, resolveAnswerLimits } from './answer-limits.ts';
import { boundedFetch } from './bounded-fetch.ts';

export interface ProbeRequest {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly method?: 'GET' | 'POST';
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Picks the fields worth reporting from a JSON answer. */
  readonly pick?: ((body: unknown) => Readonly<Record<string, unknown>> | undefined) | undefined;
  /** Values to remove from any error text. */
  readonly secrets?: readonly (string | undefined)[];
  /** Bounds the answer body (`maxBodyBytes`). @default DEFAULT_ANSWER_LIMITS */
  readonly answerLimits?: AnswerLimits | undefined;
}

/** One health request; never throws, always reports status and latency. */
export async function probeHttp(request: ProbeRequest): Promise<ProbeResult> {
  const started = request.clock.now();
  const fetchImplementation = boundedFetch(
    request.fetch ?? globalThis.fetch,
    resolveAnswerLimits(request.answerLimits),
  );
  try {
    const response = await fetchImplementation(request.url, {
      method: request.method ?? 'GET',
      headers: request.headers ?? {},
      signal: request.signal,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // Plain-text answers (LiteLLM's liveliness is a JSON string, some proxies send text) are fine.
    }
    const latencyMs = request.clock.now() - started;
    const details = request.pick?.(body);
    const result: {
      ok: boolean;
      status: number;
      latencyMs: number;
      error?: string;
      details?: Readonly<Record<string, unknown>>;
    } = {
      ok: response.ok,
      status: response.status,
      latencyMs,
    };
    if (details) result.details = details;
    if (!response.ok) result.error = redactSecrets(text.slice(0, 300), request.secrets ?? []);
    return result;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      latencyMs: request.clock.now() - started,
      error: redactSecrets(cause ? `${message} (${cause})` : message, request.secrets ?? []),
    };
  }
}
