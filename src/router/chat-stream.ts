import { StreamAlreadyReadError } from '../errors/stream-already-read-error.ts';
import type { ChatStream, StreamPart, StreamResult } from '../types/stream.ts';
import { StreamResultPromise } from './stream-result-promise.ts';

/** A result that settles when the stream's reading ends, and whether anyone iterates it. */
export interface StreamOutcome {
  resolve(value: StreamResult): void;
  reject(error: unknown): void;
}

/**
 * The single-use stream object. Reading starts when the caller iterates it (or its `textStream`),
 * or when the caller asks for `result`'s value (`await`, `.then(f)`, `.finally(f)`) and has not
 * started iterating by the next turn of the event loop: then the router reads the stream to its end
 * on its own. Attaching only a failure handler (`result.catch(f)`) reads nothing. A second reader
 * gets `StreamAlreadyReadError`.
 */
export function createChatStream(
  callId: string,
  generate: (outcome: StreamOutcome) => AsyncGenerator<StreamPart, void, undefined>,
): ChatStream {
  let source: AsyncGenerator<StreamPart, void, undefined> | undefined;
  const drain = async () => {
    try {
      for await (const _ of take());
    } catch {
      // The error is delivered through `result`.
    }
  };
  const { promise, resolve, reject } = StreamResultPromise.create<StreamResult>(() => {
    // Asked for the value: read the stream unless the caller starts iterating in the meantime
    // (`const r = stream.result.then(...)` written just before the loop).
    setImmediate(() => {
      if (!source) void drain();
    });
  });
  // Callers who only iterate never look at `result`; its rejection must not count as unhandled.
  promise.catch(() => {});
  const take = () => {
    if (source) throw new StreamAlreadyReadError({ callId });
    source = generate({ resolve, reject });
    return source;
  };
  return {
    callId,
    [Symbol.asyncIterator]: take,
    textStream: {
      async *[Symbol.asyncIterator]() {
        for await (const part of take()) if (part.type === 'text-delta') yield part.text;
      },
    },
    get result() {
      return promise;
    },
  };
}
