import { describe, expect, test } from 'vitest';
import { readServerSentEvents } from '../../src/transports/openai-compatible/read-server-sent-events.ts';
import { UnreadableAnswer } from '../../src/transports/unreadable-answer.ts';

// The router reads streamed answers itself (to bound every line and event); it must frame them as
// the SSE rules say, however the bytes are cut into chunks.

function body(chunks: readonly (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks)
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function events(chunks: readonly (string | Uint8Array)[], maxEventBytes = 1_024) {
  const read: { event?: string | undefined; data: string }[] = [];
  for await (const event of readServerSentEvents(body(chunks), maxEventBytes)) read.push(event);
  return read;
}

/** Every way of cutting `text` in two. */
function everyCut(text: string): string[][] {
  const cuts: string[][] = [];
  for (let at = 0; at <= text.length; at++) cuts.push([text.slice(0, at), text.slice(at)]);
  return cuts;
}

describe('readServerSentEvents', () => {
  const wire =
    '\uFEFFdata: {"a":1}\r\n\r\n: keep-alive\n\nevent: error\ndata: one\ndata:two\r\rdata: [DONE]\n\ndata: unfinished';
  const expected = [
    { event: undefined, data: '{"a":1}' },
    { event: 'error', data: 'one\ntwo' },
    { event: undefined, data: '[DONE]' },
  ];

  test('LF, CRLF and CR line ends, comments, event names, multi-line data; an unfinished event is dropped', async () => {
    expect(await events([wire])).toEqual(expected);
  });

  test('the same events however the bytes are cut (a CRLF or a UTF-8 character split across chunks)', async () => {
    for (const pieces of everyCut(wire)) expect(await events(pieces)).toEqual(expected);
    const bytes = new TextEncoder().encode('data: ☕ ü\n\n');
    for (let at = 0; at <= bytes.length; at++) {
      expect(await events([bytes.slice(0, at), bytes.slice(at)])).toEqual([
        { event: undefined, data: '☕ ü' },
      ]);
    }
  });

  test('a line or an event past maxEventBytes is an UnreadableAnswer, with or without its end', async () => {
    await expect(events([`data: ${'x'.repeat(200)}`], 100)).rejects.toBeInstanceOf(UnreadableAnswer);
    await expect(events([`data: ${'x'.repeat(200)}\n\n`], 100)).rejects.toThrow(
      /maxEventBytes \(100 bytes\)/,
    );
    await expect(events(['data: 0123456789\n'.repeat(20)], 100)).rejects.toBeInstanceOf(UnreadableAnswer);
    expect(await events(['data: 0123456789\n\n'.repeat(20)], 100)).toHaveLength(20);
  });

  test('leaving early cancels the body', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readServerSentEvents(stream, 1_024)) break;
    expect(cancelled).toBe(true);
  });
});
