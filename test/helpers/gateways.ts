import { afterEach } from 'vitest';
import { createRouter, type Logger, type RouterSettings } from '../../src/index.ts';
import {
  type ChatServer,
  createFakeClock,
  type FakeClock,
  startLiteLLMServer,
  startOpenRouterServer,
} from '../../src/testing/index.ts';

export const LITELLM_KEY = 'sk-litellm-virtual-key-0123456789';
export const OPENROUTER_KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';

/** A logger that keeps every line, for assertions. */
export function createMemoryLogger(): Logger & {
  lines: { level: string; message: string; details?: unknown }[];
} {
  const lines: { level: string; message: string; details?: unknown }[] = [];
  const log = (level: string) => (message: string, details?: Record<string, unknown>) =>
    void lines.push({ level, message, details });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

export interface GatewayFixture {
  readonly litellm: ChatServer;
  readonly openrouter: ChatServer;
  readonly clock: FakeClock;
  readonly logger: ReturnType<typeof createMemoryLogger>;
  readonly router: ReturnType<typeof createRouter>;
}

/**
 * Loopback LiteLLM and OpenRouter servers, and a router pointed at them with the real `openai`
 * client, a fake clock and a memory logger. Everything is closed after the test.
 */
export async function startGateways(
  settings: Partial<RouterSettings> = {},
  keys: { litellm?: string; openrouter?: string } = {},
): Promise<GatewayFixture> {
  const litellm = await startLiteLLMServer({ apiKey: LITELLM_KEY });
  const openrouter = await startOpenRouterServer({ apiKey: OPENROUTER_KEY });
  const clock = createFakeClock();
  const logger = createMemoryLogger();
  const router = createRouter({
    clock,
    logger,
    ...settings,
    gateways: {
      ...settings.gateways,
      litellm: {
        baseURL: litellm.baseURL,
        apiKey: keys.litellm ?? LITELLM_KEY,
        ...settings.gateways?.litellm,
      },
      openrouter: {
        baseURL: openrouter.baseURL,
        apiKey: keys.openrouter ?? OPENROUTER_KEY,
        ...settings.gateways?.openrouter,
      },
    },
  });
  open.push(litellm, openrouter, { close: () => router.close() });
  return { litellm, openrouter, clock, logger, router };
}

export const hello = {
  model: 'openai/gpt-5.4-mini',
  messages: [{ role: 'user' as const, content: 'hello router' }],
};
