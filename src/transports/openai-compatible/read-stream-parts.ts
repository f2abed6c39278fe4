import { GatewayError } from '../../errors/gateway-error.ts';
import { isRecord } from '../../errors/is-record.ts';
import type { TransportStreamPart } from '../../types/transport.ts';
import { answerTooLarge } from '../read-bounded-text.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import { classifyTransportError } from './classify-http-failure.ts';
import { type CompletionReading, inBodyFailure } from './read-completion.ts';
import { createServerSentEventFramer, type ServerSentEvent } from './read-server-sent-events.ts';
import { readWireChunk } from './read-wire-stream.ts';

/** The bounds a streamed answer is read within. */
export interface StreamBounds {
  /** Largest whole body, in bytes (`maxStreamBytes`, or `maxBodyBytes` for an answer that is not SSE). */
  readonly maxBytes: number;
  /** The setting `maxBytes` comes from, for the error. */
  readonly setting: string;
  readonly maxEventBytes: number;
}

/**
 * The parts of a streamed answer, read off its body as server-sent events (`data: [DONE]` ends
 * it). Every failure is a classified `GatewayError`: an error event (an `error` field, or `event:
 * error`) with the cost the gateway reported billing for it, a malformed event or a body past its
 * bounds as `bad-response`, a broken connection, or the attempt's signal. Leaving early cancels the
 * body, which closes the connection.
 */
export async function* readStreamParts(
  body: ReadableStream<Uint8Array>,
  response: Response,
  signal: AbortSignal,
  bounds: StreamBounds,
  reading: CompletionReading,
): AsyncGenerator<TransportStreamPart, void, undefined> {
  const readCost = (usage: Readonly<Record<string, unknown>>) => reading.readCost?.(response.headers, usage);
  const parts: TransportStreamPart[] = [];
  const events: ServerSentEvent[] = [];
  const framer = createServerSentEventFramer(bounds.maxEventBytes);
  const reader = body.getReader();
  let read = 0;
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      read += value.byteLength;
      if (read > bounds.maxBytes) throw answerTooLarge(bounds.setting, bounds.maxBytes);
      framer.feed(value, events);
      for (let at = 0; at < events.length; at++) {
        // Events already read off the socket are not delivered once the attempt is aborted.
        if (signal.aborted) break;
        const event = events[at] as ServerSentEvent;
        if (event.data === '[DONE]') return;
        let chunk: unknown;
        try {
          chunk = JSON.parse(event.data);
        } catch {
          throw new UnreadableAnswer('a streamed event is not valid JSON');
        }
        const error =
          event.event === 'error'
            ? (isRecord(chunk) && chunk.error) || chunk
            : isRecord(chunk) && chunk.error;
        if (error) {
          const billed = isRecord(chunk) && isRecord(chunk.usage) ? readCost(chunk.usage) : undefined;
          throw inBodyFailure(error, response.headers, billed, reading);
        }
        readWireChunk(chunk, readCost, parts);
        for (let index = 0; index < parts.length && !signal.aborted; index++)
          yield parts[index] as TransportStreamPart;
        parts.length = 0;
      }
      events.length = 0;
      if (signal.aborted) break;
    }
  } catch (error) {
    if (GatewayError.isInstance(error)) throw error;
    throw classifyTransportError(error, reading.failureContext(), 'read');
  } finally {
    // Not awaited: a body that never settles its cancel must not hold the caller.
    if (!finished) reader.cancel().catch(() => undefined);
  }
  // Stopped reading because the attempt was aborted: say why.
  if (signal.aborted) throw classifyTransportError(signal.reason, reading.failureContext(), 'read');
}
