import { GatewayError } from '../../errors/gateway-error.ts';
import { isRecord } from '../../errors/is-record.ts';
import type { TransportStreamPart } from '../transport.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import { classifyOpenAIError } from './classify-openai-error.ts';
import { type CompletionReading, inBodyFailure } from './read-completion.ts';
import { readServerSentEvents } from './read-server-sent-events.ts';
import { readWireChunk } from './read-wire-stream.ts';

/**
 * The parts of a streamed answer, read off its body as server-sent events (`data: [DONE]` ends
 * it). Every failure is a classified `GatewayError`: an error event (an `error` field, or `event:
 * error`) with the cost the gateway reported billing for it, a malformed event as `bad-response`,
 * a broken connection, or the attempt's signal.
 */
export async function* readStreamParts(
  body: ReadableStream<Uint8Array>,
  response: Response,
  signal: AbortSignal,
  maxEventBytes: number,
  reading: CompletionReading,
): AsyncGenerator<TransportStreamPart, void, undefined> {
  const readCost = (usage: Readonly<Record<string, unknown>>) => reading.readCost?.(response.headers, usage);
  const parts: TransportStreamPart[] = [];
  try {
    for await (const event of readServerSentEvents(body, maxEventBytes)) {
      // Events already read off the socket are not delivered once the attempt is aborted.
      if (signal.aborted) break;
      if (event.data === '[DONE]') return;
      let chunk: unknown;
      try {
        chunk = JSON.parse(event.data);
      } catch {
        throw new UnreadableAnswer('a streamed event is not valid JSON');
      }
      const error =
        event.event === 'error' ? (isRecord(chunk) && chunk.error) || chunk : isRecord(chunk) && chunk.error;
      if (error) {
        const billed = isRecord(chunk) && isRecord(chunk.usage) ? readCost(chunk.usage) : undefined;
        throw inBodyFailure(error, response.headers, billed, reading, true);
      }
      readWireChunk(chunk, readCost, parts);
      for (let index = 0; index < parts.length && !signal.aborted; index++)
        yield parts[index] as TransportStreamPart;
      parts.length = 0;
    }
  } catch (error) {
    if (GatewayError.isInstance(error)) throw error;
    throw classifyOpenAIError(error, reading.failureContext(), reading.refineFailure);
  }
  // Stopped reading because the attempt was aborted: say why.
  if (signal.aborted)
    throw classifyOpenAIError(signal.reason, reading.failureContext(), reading.refineFailure);
}
