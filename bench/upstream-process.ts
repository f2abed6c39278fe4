import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

let pinnable: boolean | undefined;

/** Whether `taskset` can pin processes to cores here (Linux with two cores or more). */
export function canPin(): boolean {
  pinnable ??= spawnSync('taskset', ['-c', '1', 'true']).status === 0;
  return pinnable;
}

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
  const script = fileURLToPath(new URL('./upstream.ts', import.meta.url));
  const args = [script, flavour, String(latencyMs), ...(text ? [text] : [])];
  // On a machine with taskset, the upstream gets the second core and the client (pinned by
  // run.ts) the first, so neither's CPU time is disturbed by the other.
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  const child: ChildProcess = canPin()
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio })
    : spawn(process.execPath, args, { stdio });
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
