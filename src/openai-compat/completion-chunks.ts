import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { callMetadata } from '../router/call-metadata.ts';
import type { ChatStream, StreamPart } from '../types/stream.ts';
import { ROUTER_COMPLETION_FIELD } from './router-completion-metadata.ts';
import { chunk, completionId, toWireFinishReason, toWireUsage } from './to-chat-completion.ts';

const encoder = new TextEncoder();
const event = (data: unknown) => encoder.encode(`data: ${JSON.stringify(data)}\n\n`);

/**
 * The router's stream as the server-sent events of a streamed chat completion, read by the openai
 * client's `Stream`: a role chunk, a chunk per text or tool-call delta, a chunk with the
 * `finish_reason`, with `stream_options.include_usage` a last chunk with `usage` and no choices,
 * then `[DONE]`. The last chunk also carries the `llm_router` field. Chunks name the requested model
 * until the last ones, which name the model that answered.
 *
 * A failure after content errors the body with the router's error (`StreamInterruptedError`), which
 * the client's stream throws as it is; an abort of `signal` errors it with the signal's reason, as a
 * cancelled fetch does. Nothing is read from the router ahead of the client (pull-based).
 */
export function completionChunks(
  stream: ChatStream,
  iterator: AsyncIterator<StreamPart>,
  first: IteratorResult<StreamPart>,
  request: { readonly model: string; readonly includeUsage: boolean; readonly created: number },
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const base = { id: completionId(stream.callId), created: request.created, model: request.model };
  const usageField = request.includeUsage ? { usage: null } : {};
  let pending: IteratorResult<StreamPart> | undefined = first;
  let done = false;

  const partChunks = async (part: StreamPart): Promise<ChatCompletionChunk[]> => {
    switch (part.type) {
      case 'text-delta':
        return [chunk(base, { delta: { content: part.text }, finish_reason: null }, usageField)];
      case 'tool-call-delta':
        return [
          chunk(
            base,
            {
              delta: {
                tool_calls: [
                  {
                    index: part.index,
                    ...(part.id === undefined ? {} : { id: part.id, type: 'function' as const }),
                    function: {
                      ...(part.name === undefined ? {} : { name: part.name }),
                      arguments: part.argumentsDelta,
                    },
                  },
                ],
              },
              finish_reason: null,
            },
            usageField,
          ),
        ];
      case 'tool-call':
        // Already delivered as deltas.
        return [];
      case 'finish': {
        const result = await stream.result;
        const last = { ...base, model: result.route.model };
        const metadata = { [ROUTER_COMPLETION_FIELD]: callMetadata(result) };
        const finish = chunk(last, { delta: {}, finish_reason: toWireFinishReason(part.finishReason) });
        if (!request.includeUsage) return [{ ...finish, ...metadata }];
        return [
          { ...finish, usage: null },
          chunk(last, undefined, { usage: toWireUsage(part.usage), ...metadata }),
        ];
      }
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(
          event(chunk(base, { delta: { role: 'assistant', content: '' }, finish_reason: null }, usageField)),
        );
      },
      async pull(controller) {
        try {
          // A pull must deliver something: the stream does not ask again for a read it left waiting.
          for (;;) {
            const next = pending ?? (await iterator.next());
            pending = undefined;
            if (next.done) {
              done = true;
              controller.enqueue(encoder.encode('data: [DONE]\n\n'));
              controller.close();
              return;
            }
            const chunks = await partChunks(next.value);
            for (const each of chunks) controller.enqueue(event(each));
            if (chunks.length > 0) return;
          }
        } catch (error) {
          done = true;
          controller.error(signal?.aborted ? signal.reason : error);
        }
      },
      async cancel() {
        // The client stopped reading (break, or its controller aborted): the router closes the
        // upstream connection and records what was delivered.
        if (!done) await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
