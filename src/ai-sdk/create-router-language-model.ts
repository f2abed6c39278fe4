import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import type { Router } from '../router/router.ts';
import type { ChatOptions, ChatResult } from '../types/chat.ts';
import type { StreamPart } from '../types/stream.ts';
import { toFinishReason, toProviderMetadata, toUsage } from './router-metadata.ts';
import { toAiSdkError } from './to-ai-sdk-error.ts';
import { type ModelTarget, toChatOptions } from './to-chat-options.ts';
import { StreamPartMapper } from './to-stream-parts.ts';

/** The request as reported in results and errors (`request.body`): the router options, without the signal. */
function requestBody(chat: ChatOptions): unknown {
  const { signal: _signal, ...body } = chat;
  return body;
}

function toContent(result: ChatResult): LanguageModelV4Content[] {
  const content: LanguageModelV4Content[] = [];
  if (result.text !== '') content.push({ type: 'text', text: result.text });
  for (const call of result.toolCalls) {
    content.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.name,
      input: call.arguments === '' ? '{}' : call.arguments,
    });
  }
  return content;
}

/** Image URLs are passed to the gateway as they are (it fetches them); the AI SDK downloads nothing. */
const SUPPORTED_URLS = { 'image/*': [/^https?:\/\/.*$/] };

/**
 * A language model of the AI SDK's specification v4 backed by `router.chat()` and
 * `router.stream()`: every call goes through the router's ranking, breakers, fallback, limits and
 * usage ledger.
 */
export function createRouterLanguageModel(
  router: Pick<Router, 'chat' | 'stream'>,
  provider: string,
  modelId: string,
  target: ModelTarget,
): LanguageModelV4 {
  return {
    specificationVersion: 'v4',
    provider,
    modelId,
    supportedUrls: SUPPORTED_URLS,

    async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
      const { chat, warnings } = toChatOptions(target, options);
      const body = requestBody(chat);
      let result: ChatResult;
      try {
        result = await router.chat(chat);
      } catch (error) {
        throw toAiSdkError(error, { callId: chat.callId, body });
      }
      return {
        content: toContent(result),
        finishReason: toFinishReason(result.finishReason),
        usage: toUsage(result.usage),
        providerMetadata: toProviderMetadata(result),
        request: { body },
        response: { id: result.callId, modelId: result.route.model },
        warnings,
      };
    },

    async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
      const { chat, warnings } = toChatOptions(target, options);
      const body = requestBody(chat);
      const request = { callId: chat.callId, body };
      let routerStream: ReturnType<Router['stream']>;
      let first: IteratorResult<StreamPart>;
      let iterator: AsyncIterator<StreamPart>;
      try {
        routerStream = router.stream(chat);
        iterator = routerStream[Symbol.asyncIterator]();
        // Wait for the first part: the router falls back until then, so a failure before any content
        // rejects here, as a provider's failed HTTP request would.
        first = await iterator.next();
      } catch (error) {
        throw toAiSdkError(error, request);
      }
      const stream = routerStream;
      const mapper = new StreamPartMapper();
      const result = () => stream.result;
      let done = false;
      const enqueueAll = async (
        controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>,
        next: IteratorResult<StreamPart>,
      ) => {
        if (next.done) {
          done = true;
          controller.close();
          return true;
        }
        const parts = await mapper.map(next.value, result);
        for (const part of parts) controller.enqueue(part);
        return parts.length > 0;
      };
      return {
        stream: new ReadableStream<LanguageModelV4StreamPart>(
          {
            async start(controller) {
              controller.enqueue({ type: 'stream-start', warnings });
              await enqueueAll(controller, first);
            },
            async pull(controller) {
              try {
                // A pull must deliver something: the stream does not ask again for a read it left waiting.
                while (!(await enqueueAll(controller, await iterator.next())));
              } catch (error) {
                done = true;
                for (const part of mapper.fail(
                  error,
                  toAiSdkError(error, { ...request, callId: stream.callId }),
                ))
                  controller.enqueue(part);
                controller.close();
              }
            },
            async cancel() {
              // The reader stopped (or the AI SDK's abort cancelled it): the router closes the
              // upstream connection and records what was delivered.
              if (!done) await iterator.return?.();
            },
          },
          // Read only when the reader asks: nothing is pulled from the upstream ahead of the reader.
          { highWaterMark: 0 },
        ),
        request: { body },
      };
    },
  };
}
