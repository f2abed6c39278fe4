import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A handle on an upstream server running in a child process. */
export interface UpstreamProcess {
  readonly baseURL: string;
  readonly url: string;
  /** Sends a command and resolves with the server's chat request count once it is applied. */
  command(message: Record<string, unknown>): Promise<number>;
  stop(): Promise<void>;
}

export async function startUpstream(
  flavour: 'litellm' | 'openrouter' | 'openai',
  latencyMs = 0,
  text?: string,
): Promise<UpstreamProcess> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./upstream.ts', import.meta.url)),
    [flavour, String(latencyMs), ...(text ? [text] : [])],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let nextId = 1;
  const waiting = new Map<number, (count: number) => void>();
  const ready = new Promise<{ baseURL: string; url: string }>((resolve, reject) => {
    child.once('error', reject);
    child.on(
      'message',
      (message: { type: string; id?: number; count?: number; baseURL?: string; url?: string }) => {
        if (message.type === 'ready')
          resolve({ baseURL: message.baseURL as string, url: message.url as string });
        if (message.type === 'ack' && message.id !== undefined) {
          waiting.get(message.id)?.(message.count ?? 0);
          waiting.delete(message.id);
        }
      },
    );
  });
  const { baseURL, url } = await ready;
  return {
    baseURL,
    url,
    command(message) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.send({ ...message, id });
      });
    },
    stop() {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}
