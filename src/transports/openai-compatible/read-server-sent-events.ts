import { createParser, type ParseError } from 'eventsource-parser';
import { UnreadableAnswer } from '../unreadable-answer.ts';

/** One server-sent event: its `event:` name, when it has one, and its `data:` lines joined. */
export interface ServerSentEvent {
  readonly event?: string | undefined;
  readonly data: string;
}

/**
 * Frames the bytes of a streamed answer into server-sent events (`eventsource-parser`, the SSE
 * rules: LF, CRLF or CR line ends, `:` comments, multi-line data, a leading BOM dropped, an event
 * left unfinished at the end never delivered).
 */
export interface ServerSentEventFramer {
  /**
   * Reads one chunk of the body and appends the events it completes to `into`. Throws
   * `UnreadableAnswer` once one line or event is past `maxEventBytes`.
   */
  feed(chunk: Uint8Array, into: ServerSentEvent[]): void;
}

/**
 * A framer holding at most `maxEventBytes` of one line or event at a time (counted in decoded
 * characters, one per byte for the ASCII of JSON).
 */
export function createServerSentEventFramer(maxEventBytes: number): ServerSentEventFramer {
  const decoder = new TextDecoder();
  let target: ServerSentEvent[] = [];
  let tooLarge = false;
  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent(event) {
      // A whole event inside one chunk is delivered at once, before the parser's own bound applies.
      if (event.data.length > maxEventBytes) tooLarge = true;
      else target.push(event);
    },
    onError(error: ParseError) {
      // Unknown fields and bad `retry` values are ignored, as the SSE rules say.
      if (error.type === 'max-buffer-size-exceeded') tooLarge = true;
    },
  });
  return {
    feed(chunk, into) {
      target = into;
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (tooLarge)
        throw new UnreadableAnswer(
          `a streamed event is larger than answerLimits.maxEventBytes (${maxEventBytes} bytes)`,
        );
    },
  };
}

/**
 * Reads server-sent events off a response body, holding at most `maxEventBytes` of one line or
 * event at a time (longer: `UnreadableAnswer`). Leaving early cancels the body, which closes the
 * connection.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  maxEventBytes: number,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const framer = createServerSentEventFramer(maxEventBytes);
  const events: ServerSentEvent[] = [];
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      framer.feed(value, events);
      for (const event of events) yield event;
      events.length = 0;
    }
    finished = true;
  } finally {
    // Not awaited: a body that never settles its cancel must not hold the caller.
    if (!finished) reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
