/**
 * A loopback OpenAI-compatible upstream in its own process, for the benchmark and the soak run, so
 * the server's CPU is not counted against the client. Controlled over IPC:
 *   { type: 'fail', fault, options }, { type: 'clear' }, { type: 'count' } → { type: 'count', count },
 *   { type: 'down' }, { type: 'up' }.
 * Arguments: <flavour> <latencyMs> <replyText>
 */
import { type LoopbackFlavour, startChatServer } from '@bestviable/llm-router/testing';

const [flavour = 'litellm', latency = '0', text = 'The quick brown fox jumps over the lazy dog, twice!!'] =
  process.argv.slice(2);
const server = await startChatServer({
  flavour: flavour as LoopbackFlavour,
  latencyMs: Number(latency),
  record: false,
  streamChunkSize: Math.ceil(text.length / 16),
  reply: () => ({ text }),
});

process.on(
  'message',
  async (message: { type: string; id?: number; fault?: never; options?: Record<string, unknown> }) => {
    switch (message.type) {
      case 'fail':
        server.fail(message.fault as never, { times: Number.POSITIVE_INFINITY, ...message.options });
        break;
      case 'clear':
        server.clearFaults();
        break;
      case 'down':
        await server.down();
        break;
      case 'up':
        await server.up();
        break;
    }
    process.send?.({ type: 'ack', id: message.id, count: server.chatCount });
  },
);
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
process.send?.({ type: 'ready', baseURL: server.baseURL, url: server.url });
