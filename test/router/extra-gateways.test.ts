import { afterEach, describe, expect, it } from 'vitest';
import { AllCandidatesFailedError } from '../../src/errors/call-errors.ts';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import type { FallbackEvent } from '../../src/router/router-events.ts';
import type { RouterSettings } from '../../src/router/router-settings.ts';
import type { ChatServer } from '../../src/testing/loopback/chat-server.ts';
import { startLiteLLMServer, startOpenRouterServer } from '../../src/testing/loopback/chat-server.ts';

// A second LiteLLM proxy, or any OpenAI-compatible gateway, is configuration (`gateways.extra`):
// tried after LiteLLM and before OpenRouter, with breakers, routes and usage records of its own.

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };
const servers: ChatServer[] = [];
const routers: Router[] = [];

afterEach(async () => {
  for (const router of routers.splice(0)) await router.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function litellm(apiKey?: string): Promise<ChatServer> {
  const server = await startLiteLLMServer(apiKey === undefined ? {} : { apiKey });
  servers.push(server);
  return server;
}

/** The parsed JSON body of a recorded request. */
const bodyOf = (request: { readonly body: unknown } | undefined) => request?.body as Record<string, unknown>;

function router(settings: RouterSettings): Router {
  const created = createRouter({ logger: false, catalog: { refreshIntervalMs: 0 }, ...settings });
  routers.push(created);
  return created;
}

function refused(settings: unknown): InvalidSettingsError {
  try {
    routers.push(createRouter(settings as RouterSettings));
  } catch (error) {
    if (error instanceof InvalidSettingsError) return error;
    throw error;
  }
  throw new Error('expected createRouter to refuse the settings');
}

describe('gateways.extra', () => {
  it('a second LiteLLM proxy takes over when the first is down, under its own id, key and model names', async () => {
    const primary = await litellm();
    const secondary = await litellm('sk-eu-virtual-key');
    primary.fail({ status: 503, message: 'no healthy deployments' }, { times: 100 });
    const routed = router({
      gateways: {
        litellm: { baseURL: primary.baseURL },
        extra: [
          { id: 'litellm-eu', kind: 'litellm', baseURL: secondary.baseURL, apiKey: 'sk-eu-virtual-key' },
        ],
      },
    });
    const fallbacks: FallbackEvent[] = [];
    routed.on('fallback', (event) => fallbacks.push(event));

    const reply = await routed.chat({ ...hello, model: 'openai/gpt-5.4-mini', tags: ['eu'] });

    expect(reply.route.gateway).toBe('litellm-eu');
    expect(fallbacks.map((event) => [event.from.gateway, event.to.gateway])).toEqual([
      ['litellm', 'litellm-eu'],
    ]);
    const sent = secondary.chatRequests.at(-1);
    expect(sent?.headers.authorization).toBe('Bearer sk-eu-virtual-key');
    // A LiteLLM proxy is reached as LiteLLM: its model names, tags in metadata, its call id header.
    expect(bodyOf(sent).model).toBe(bodyOf(primary.chatRequests.at(-1)).model);
    expect(bodyOf(sent).metadata).toEqual({ tags: ['eu'] });
    expect(sent?.headers['x-litellm-call-id']).toBe(reply.callId);
    const [record] = await routed.usage.query({ gateway: 'litellm-eu' });
    expect(record?.gateway).toBe('litellm-eu');
    expect(record?.status).toBe('ok');
  });

  it('is tried after LiteLLM and before OpenRouter', async () => {
    const primary = await litellm();
    const secondary = await litellm();
    const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-test' });
    servers.push(openrouter);
    const routed = router({
      ranking: 'available',
      gateways: {
        litellm: { baseURL: primary.baseURL },
        openrouter: { baseURL: openrouter.baseURL, apiKey: 'sk-or-v1-test' },
        extra: [{ id: 'second', kind: 'litellm', baseURL: secondary.baseURL }],
      },
    });
    primary.fail({ status: 503 }, { times: 100 });
    secondary.fail({ status: 503 }, { times: 100 });

    const reply = await routed.chat({ ...hello, model: 'openai/gpt-5.4-mini' });

    expect(reply.attempts.map((attempt) => attempt.route.gateway)).toEqual([
      'litellm',
      'second',
      'openrouter',
    ]);
    expect(reply.route.gateway).toBe('openrouter');
  });

  it('an OpenAI-compatible gateway is offered only the models it names, under those names', async () => {
    const gateway = await startOpenRouterServer({});
    servers.push(gateway);
    const routed = router({
      gateways: {
        litellm: { enabled: false },
        extra: [
          {
            id: 'acme',
            kind: 'openai-compatible',
            baseURL: gateway.baseURL,
            apiKey: 'acme-key-1',
            headers: { 'x-team': 'agents' },
            models: { 'openai/gpt-5.4-mini': 'acme/gpt-mini' },
          },
        ],
      },
    });

    const reply = await routed.chat({ ...hello, model: 'openai/gpt-5.4-mini' });

    expect(reply.route.gateway).toBe('acme');
    expect(bodyOf(gateway.chatRequests.at(-1)).model).toBe('acme/gpt-mini');
    expect(gateway.chatRequests.at(-1)?.headers.authorization).toBe('Bearer acme-key-1');
    expect(gateway.chatRequests.at(-1)?.headers['x-team']).toBe('agents');
    // The caller may name the model as this gateway does.
    expect((await routed.chat({ ...hello, model: 'acme/gpt-mini' })).route.model).toBe('openai/gpt-5.4-mini');
    // A model it does not name has no candidate there.
    await expect(routed.chat({ ...hello, model: 'anthropic/claude-haiku-4-5' })).rejects.toMatchObject({
      name: 'NoCandidatesError',
    });
  });

  it('enabled: false leaves a gateway out', async () => {
    const primary = await litellm();
    const routed = router({
      gateways: {
        litellm: { baseURL: primary.baseURL },
        extra: [{ id: 'spare', kind: 'litellm', baseURL: 'http://127.0.0.1:9', enabled: false }],
      },
    });
    primary.fail({ status: 503 }, { times: 100 });
    const failure = await routed
      .chat({ ...hello, model: 'openai/gpt-5.4-mini' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllCandidatesFailedError);
    expect((failure as AllCandidatesFailedError).attempts.map((attempt) => attempt.route.gateway)).toEqual([
      'litellm',
    ]);
  });

  it('refuses a built-in id, a repeated id, an unknown kind and a URL with credentials, naming each', () => {
    const error = refused({
      logger: false,
      gateways: {
        extra: [
          { id: 'openrouter', kind: 'litellm', baseURL: 'https://a.example.com' },
          { id: 'eu', kind: 'litellm', baseURL: 'https://b.example.com' },
          { id: 'eu', kind: 'vllm', baseURL: 'https://user:secret@c.example.com' },
          { id: 'Bad Id', kind: 'litellm', baseURL: 'https://d.example.com', extraField: 1 },
        ],
      },
    });
    const bySetting = Object.fromEntries(error.issues.map((issue) => [issue.setting, issue.problem]));
    expect(bySetting['gateways.extra.0.id']).toMatch(/built-in gateway/);
    expect(bySetting['gateways.extra.2.id']).toMatch(/earlier gateway/);
    expect(bySetting['gateways.extra.2.kind']).toMatch(/'litellm' or 'openai-compatible'/);
    expect(bySetting['gateways.extra.2.baseURL']).toMatch(/credentials/);
    expect(bySetting['gateways.extra.3.id']).toMatch(/lower-case letters/);
    expect(bySetting['gateways.extra.3.extraField']).toMatch(/unknown setting/);
    expect(error.message).not.toContain('secret');
  });
});
