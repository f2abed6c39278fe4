import type { AnswerLimits } from './answer-limits.ts';
import { UnreadableAnswer } from './unreadable-answer.ts';

/**
 * Wraps `fetch` so that no answer body is read past its bound: `maxStreamBytes` for a
 * `text/event-stream` answer, `maxBodyBytes` for any other (whole answers and error bodies alike).
 * Past the bound the body fails with `UnreadableAnswer` and the connection is closed; a
 * `content-length` over the bound fails before anything is read. For readers that take a whole
 * `Response` (health probes); the chat transport reads within its bounds itself (`readBoundedText`,
 * `readStreamParts`), without a second stream per answer.
 */
export function boundedFetch(
  fetchImplementation: typeof globalThis.fetch,
  limits: Required<Pick<AnswerLimits, 'maxBodyBytes' | 'maxStreamBytes'>>,
): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetchImplementation(input, init);
    if (!response.body) return response;
    const streamed = (response.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');
    const maxBytes = streamed ? limits.maxStreamBytes : limits.maxBodyBytes;
    const setting = streamed ? 'answerLimits.maxStreamBytes' : 'answerLimits.maxBodyBytes';
    const tooLarge = () => new UnreadableAnswer(`the answer is larger than ${setting} (${maxBytes} bytes)`);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    let body: ReadableStream<Uint8Array>;
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.body.cancel().catch(() => undefined);
      body = new ReadableStream({ start: (controller) => controller.error(tooLarge()) });
    } else {
      let read = 0;
      body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            read += chunk.byteLength;
            if (read > maxBytes) controller.error(tooLarge());
            else controller.enqueue(chunk);
          },
        }),
      );
    }
    try {
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch {
      // A status `Response` cannot carry (outside 200-599): nothing a client can use.
      body.cancel().catch(() => undefined);
      throw new UnreadableAnswer(`the gateway answered with HTTP status ${response.status}`);
    }
  };
}
