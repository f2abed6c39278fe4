import { afterEach, describe, expect, test } from 'vitest';
import { type ChatServer, startChatServer } from '../../src/testing/index.ts';

// The test kit's faults must deliver exactly what they promise on every supported Node, read by a
// plain fetch client (not the router), so that a user's test that injects one sees that fault and
// nothing else. On Node 24.22 a cut ended the socket before the deltas written just before it had
// left the response, so the client saw a stream cut before any content.

const servers: ChatServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(flavour: 'litellm' | 'openrouter'): Promise<ChatServer> {
  const server = await startChatServer({ flavour });
  servers.push(server);
  server.setReply(() => ({ chunks: ['aa', 'bb', 'cc', 'dd', 'ee'] }));
  return server;
}

function post(server: ChatServer, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.baseURL}${server.flavour === 'litellm' ? '/v1' : ''}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'openai/gpt-5.4-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    }),
    ...(signal ? { signal } : {}),
  });
}

/** Reads SSE data payloads until the body ends or fails; returns them with how it ended. */
async function readEvents(response: Response): Promise<{ data: string[]; ended: 'done' | 'error' }> {
  const data: string[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let boundary = buffered.indexOf('\n\n');
      while (boundary >= 0) {
        const event = buffered.slice(0, boundary);
        buffered = buffered.slice(boundary + 2);
        for (const line of event.split('\n')) if (line.startsWith('data: ')) data.push(line.slice(6));
        boundary = buffered.indexOf('\n\n');
      }
    }
  } catch {
    return { data, ended: 'error' };
  }
  return { data, ended: 'done' };
}

const contentOf = (data: readonly string[]) =>
  data
    .filter((line) => line !== '[DONE]')
    .map((line) => JSON.parse(line) as { choices?: { delta?: { content?: string } }[] })
    .map((chunk) => chunk.choices?.[0]?.delta?.content ?? '')
    .join('');

describe('loopback faults deliver exactly what they promise', () => {
  for (const flavour of ['litellm', 'openrouter'] as const) {
    for (const after of [0, 1, 3]) {
      test(`${flavour}: cutAfterChunks ${after} delivers ${after} deltas, then a body cut short`, async () => {
        const server = await start(flavour);
        server.fail({ cutAfterChunks: after });
        for (let round = 0; round < 5; round++) {
          const { data, ended } = await readEvents(await post(server));
          if (round === 0) {
            expect(ended).toBe('error');
            expect(contentOf(data)).toBe(['aa', 'bb', 'cc'].slice(0, after).join(''));
            expect(data).not.toContain('[DONE]');
          } else {
            // The fault is used up: later requests stream the whole answer.
            expect(ended).toBe('done');
            expect(contentOf(data)).toBe('aabbccddee');
          }
        }
      });
    }

    test(`${flavour}: errorAfterChunks delivers the deltas, then an error event and [DONE]`, async () => {
      const server = await start(flavour);
      server.fail({ errorAfterChunks: 2, message: 'boom', code: 502 });
      const { data, ended } = await readEvents(await post(server));
      expect(ended).toBe('done');
      expect(contentOf(data.filter((line) => !line.includes('"error"')))).toBe('aabb');
      expect(data.some((line) => line.includes('boom'))).toBe(true);
      expect(data.at(-1)).toBe('[DONE]');
    });

    test(`${flavour}: stallAfterChunks delivers the deltas, then keeps the stream open`, async () => {
      const server = await start(flavour);
      server.fail({ stallAfterChunks: 2 });
      const controller = new AbortController();
      const response = await post(server, controller.signal);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      while ((text.match(/"content":"[a-z]+"/g) ?? []).length < 2) {
        const { value, done } = await reader.read();
        expect(done).toBe(false);
        text += decoder.decode(value, { stream: true });
      }
      expect(text).toContain('"content":"bb"');
      expect(text).not.toContain('"content":"cc"');
      expect(server.openRequests()).toBe(1);
      controller.abort();
      await reader.cancel().catch(() => undefined);
      for (let round = 0; round < 400 && server.openRequests() > 0; round++)
        await new Promise((resolve) => setTimeout(resolve, 5));
      expect(server.openRequests()).toBe(0);
    });

    test(`${flavour}: reset drops the connection without an answer`, async () => {
      const server = await start(flavour);
      server.fail({ reset: true });
      await expect(post(server)).rejects.toThrow();
      const { ended } = await readEvents(await post(server));
      expect(ended).toBe('done');
    });
  }
});
