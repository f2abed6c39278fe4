import type { Router } from '../router/router.ts';
import type { ChatResult } from '../types/chat.ts';
import type { StreamPart } from '../types/stream.ts';
import { completionChunks } from './completion-chunks.ts';
import { errorResponse } from './error-response.ts';
import { toChatCompletion } from './to-chat-completion.ts';
import { type RequestDefaults, toChatOptions } from './to-chat-options.ts';

/** Called with every error answer and the router error behind it (the client keeps it as `cause`). */
export type FailureListener = (response: Response, error: unknown) => void;

function notFound(method: string, path: string): Response {
  const message = `llm-router's OpenAI client serves POST /chat/completions only; ${method} ${path} is not routed. Use the openai client itself for other endpoints.`;
  return new Response(
    JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'unknown_url' } }),
    { status: 404, headers: { 'content-type': 'application/json', 'x-should-retry': 'false' } },
  );
}

function readRequest(input: string | URL | Request, init: RequestInit | undefined) {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  return { path: url.pathname, method, signal: init?.signal ?? undefined };
}

/**
 * The `fetch` of an openai client backed by the router: `POST …/chat/completions` runs
 * `router.chat()` (or `router.stream()` for `stream: true`) and answers as OpenAI would; every other
 * request is a 404. Nothing goes to the network from here: the router's transports make the calls.
 */
export function createRouterFetch(
  router: Pick<Router, 'chat' | 'stream'>,
  defaults: RequestDefaults,
  onFailure: FailureListener,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const fail = (error: unknown, signal: AbortSignal | null | undefined): Response => {
    // The client's own abort (its signal, its timeout) rejects, as a cancelled fetch does: the
    // client turns it into APIUserAbortError or APIConnectionTimeoutError.
    if (signal?.aborted) throw signal.reason;
    const response = errorResponse(error);
    onFailure(response, error);
    return response;
  };

  return async (input, init) => {
    const { path, method, signal } = readRequest(input, init);
    if (method !== 'POST' || !path.endsWith('/chat/completions')) return notFound(method, path);
    const created = Math.floor(Date.now() / 1000);
    try {
      const request = toChatOptions(JSON.parse(String(init?.body ?? 'null')), defaults, signal);
      const headers = { 'x-request-id': '' };
      if (!request.stream) {
        const result: ChatResult = await router.chat(request.chat);
        headers['x-request-id'] = result.callId;
        return Response.json(toChatCompletion(result, created), { headers });
      }
      const stream = router.stream(request.chat);
      const iterator = stream[Symbol.asyncIterator]();
      // The router falls back until the first content: a failure before it is an HTTP error, as
      // from a gateway.
      const first: IteratorResult<StreamPart> = await iterator.next();
      headers['x-request-id'] = stream.callId;
      return new Response(completionChunks(stream, iterator, first, { ...request, created }, signal), {
        status: 200,
        headers: { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      });
    } catch (error) {
      return fail(error, signal);
    }
  };
}
