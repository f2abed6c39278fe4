import { UnreadableAnswer } from '../unreadable-answer.ts';

/** One server-sent event: its `event:` name, when it has one, and its `data:` lines joined. */
export interface ServerSentEvent {
  readonly event: string | undefined;
  readonly data: string;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads server-sent events off a response body, holding at most `maxEventBytes` of one line or
 * event at a time (longer: `UnreadableAnswer`). Lines end in LF, CRLF or CR; `:` lines are comments;
 * fields other than `data` and `event` are ignored; an event left unfinished at the end is dropped
 * (the SSE rules). Leaving early cancels the body, which closes the connection.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  maxEventBytes: number,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let skipLineFeed = false;
  let data: string[] = [];
  let eventBytes = 0;
  let event: string | undefined;
  let finished = false;

  const tooLarge = () =>
    new UnreadableAnswer(
      `a streamed event is larger than answerLimits.maxEventBytes (${maxEventBytes} bytes)`,
    );

  // One complete line; returns the event it completes, if any.
  const takeLine = (bytes: Uint8Array): ServerSentEvent | undefined => {
    if (bytes.length === 0) {
      const completed = data.length > 0 ? { event, data: data.join('\n') } : undefined;
      data = [];
      eventBytes = 0;
      event = undefined;
      return completed;
    }
    const line = decoder.decode(bytes);
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      eventBytes += bytes.length;
      if (eventBytes > maxEventBytes) throw tooLarge();
      data.push(value);
    } else if (field === 'event') event = value;
    return undefined;
  };

  const lineOf = (chunk: Uint8Array, start: number, end: number): Uint8Array => {
    if (pending.length === 0) return chunk.subarray(start, end);
    const whole = new Uint8Array(pendingBytes + (end - start));
    let offset = 0;
    for (const piece of pending) {
      whole.set(piece, offset);
      offset += piece.length;
    }
    whole.set(chunk.subarray(start, end), offset);
    pending = [];
    pendingBytes = 0;
    return whole;
  };

  try {
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      let start = 0;
      if (skipLineFeed && chunk.length > 0) {
        if (chunk[0] === LF) start = 1;
        skipLineFeed = false;
      }
      while (start < chunk.length) {
        const lineFeed = chunk.indexOf(LF, start);
        const carriageReturn = chunk.indexOf(CR, start);
        const end =
          lineFeed === -1
            ? carriageReturn
            : carriageReturn === -1
              ? lineFeed
              : Math.min(lineFeed, carriageReturn);
        if (end === -1) {
          pendingBytes += chunk.length - start;
          if (pendingBytes > maxEventBytes) throw tooLarge();
          pending.push(chunk.slice(start));
          break;
        }
        if (pendingBytes + (end - start) > maxEventBytes) throw tooLarge();
        const completed = takeLine(lineOf(chunk, start, end));
        start = end + 1;
        if (chunk[end] === CR) {
          if (start < chunk.length) {
            if (chunk[start] === LF) start++;
          } else skipLineFeed = true;
        }
        if (completed) yield completed;
      }
    }
    finished = true;
  } finally {
    // Not awaited: a body that never settles its cancel must not hold the caller.
    if (!finished) reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
