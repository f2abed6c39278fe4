import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_CATALOG_MODELS } from '../../catalog/default-catalog-models.ts';
import { type HttpServerHandle, type RecordedRequest, startHttpServer } from './http-server.ts';

/** Which service a loopback chat server imitates. */
export type LoopbackFlavour = 'litellm' | 'openrouter' | 'openai';

/** What the server answers to one chat request. */
export interface LoopbackReply {
  readonly text?: string;
  readonly toolCalls?: readonly { readonly id?: string; readonly name: string; readonly arguments: string }[];
  /** Wire `finish_reason`. @default 'stop' (or 'tool_calls') */
  readonly finishReason?: string;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  readonly cachedTokens?: number;
  /** The cost to report; computed from `prices` when absent; `null` reports none. */
  readonly costUsd?: number | null;
  /** For streams: the text split into these content deltas. */
  readonly chunks?: readonly string[];
}

/** A failure to inject into the next matching chat requests. */
export type LoopbackFault =
  /** An error answer with this status, in the flavour's error JSON. */
  | {
      readonly status: number;
      readonly message?: string;
      /** LiteLLM's `error.type`. */
      readonly type?: string;
      /** OpenRouter's `error.metadata`. */
      readonly metadata?: Readonly<Record<string, unknown>>;
      /** Sets `Retry-After` (seconds). */
      readonly retryAfterSeconds?: number;
      readonly headers?: Readonly<Record<string, string>>;
      /** Replaces the whole body. */
      readonly body?: unknown;
    }
  /** Never answers (the client must time out). */
  | { readonly hang: true }
  /** Drops the connection without an answer. */
  | { readonly reset: true }
  /** A 200 whose body (or SSE event) is not valid JSON. */
  | { readonly malformed: true }
  /** Answers normally after this many real milliseconds. */
  | { readonly delayMs: number }
  /** Streams only: drops the connection after this many content deltas. */
  | { readonly cutAfterChunks: number }
  /** Streams only: stops sending (without closing) after this many content deltas. */
  | { readonly stallAfterChunks: number }
  /**
   * Streams only: sends an error event inside the 200 stream after this many content deltas. With
   * `costUsd` the event carries `usage.cost` (OpenRouter bills some errors), counted in
   * `reportedCostNanoUsd` once sent.
   */
  | {
      readonly errorAfterChunks: number;
      readonly message?: string;
      readonly code?: number;
      readonly costUsd?: number;
    }
  /**
   * A 200 answer whose body carries an error, as OpenRouter sends once a model has started:
   * `choices[0].finish_reason: "error"` with `choices[0].error`, and, with `costUsd`, the
   * `usage.cost` billed for it (counted in `reportedCostNanoUsd` once sent). Streams get it as an
   * error event before any content.
   */
  | {
      readonly errorInBody: { readonly code: number; readonly message: string };
      readonly costUsd?: number;
    }
  /**
   * Exactly these bytes: a status (default 200), headers, and a body written piece by piece, each
   * piece flushed before the next. With `repeatLast` the last piece is written again and again
   * until the client goes away (an endless answer). For answers no gateway should send.
   */
  | {
      readonly raw: {
        readonly status?: number;
        readonly headers?: Readonly<Record<string, string>>;
        readonly body: string | readonly string[];
        readonly repeatLast?: boolean;
      };
    };

export interface FaultOptions {
  /** How many matching requests get the fault. @default 1 */
  readonly times?: number;
  /** Only requests for this model. */
  readonly model?: string;
  /** Only streaming (`true`) or only whole (`false`) requests. */
  readonly stream?: boolean;
  /**
   * Share of matching requests that get the fault, 0..1; the others pass untouched and do not use
   * up `times`. @default 1
   */
  readonly probability?: number;
  /** Source of randomness for `probability`. @default Math.random */
  readonly random?: () => number;
}

export interface ChatServerSettings {
  readonly flavour: LoopbackFlavour;
  /** Bearer key the server requires; none required when absent. */
  readonly apiKey?: string;
  /** Model names the server knows; any when absent. */
  readonly models?: readonly string[];
  /**
   * USD per token, by model name, used to compute reported costs.
   * @default the bundled catalog's prices for the flavour's model names; 1e-6 in, 2e-6 out for others
   */
  readonly prices?: Readonly<
    Record<string, { readonly inputPerToken: number; readonly outputPerToken: number }>
  >;
  /** Builds the reply; an echo of the last user message by default. */
  readonly reply?: (body: ChatRequestBody) => LoopbackReply;
  /** Characters per streamed content delta. @default 4 */
  readonly streamChunkSize?: number;
  /** Split every SSE frame over two writes, mid-line, to exercise client parsers. @default false */
  readonly splitWrites?: boolean;
  /** Real latency before every chat answer, ms. @default 0 */
  readonly latencyMs?: number;
  /** Record requests (turn off for benchmarks). @default true */
  readonly record?: boolean;
  readonly port?: number;
  /** Accepts or refuses a provider key sent in the body's `api_key` (LiteLLM BYOK). @default accept */
  readonly acceptProviderKey?: (apiKey: string, model: string) => boolean;
}

/** The request body fields the server reads. */
export interface ChatRequestBody {
  readonly model?: string;
  readonly messages?: readonly { readonly role?: string; readonly content?: unknown }[];
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly tools?: readonly unknown[];
  readonly api_key?: string;
  readonly [key: string]: unknown;
}

/** A running loopback chat server. */
export interface ChatServer extends HttpServerHandle {
  readonly flavour: LoopbackFlavour;
  /** The base URL a client uses: the root for LiteLLM, `/api/v1` for OpenRouter, `/v1` for OpenAI. */
  readonly baseURL: string;
  /** Chat requests received (parsed bodies), in order; empty when `record` is off. */
  readonly chatRequests: readonly RecordedRequest[];
  /** Chat requests received, counted even when `record` is off. */
  readonly chatCount: number;
  /** Injects a fault into the next matching chat requests. */
  fail(fault: LoopbackFault, options?: FaultOptions): void;
  clearFaults(): void;
  /** Replaces the reply builder. */
  setReply(reply: (body: ChatRequestBody) => LoopbackReply): void;
  /** LiteLLM `/health/readiness` status (and OpenRouter `/key`). */
  setReady(ready: boolean): void;
  /** Streams the server stopped early because the client went away. */
  readonly streamsClosedByClient: number;
  /** Content deltas written so far, over all streams (to observe backpressure). */
  readonly deltasWritten: number;
  /**
   * Sum of the costs this server reported in answers it finished sending (a cost header or a usage
   * chunk), in integer nano-USD; the reference a client's ledger can be reconciled against.
   */
  readonly reportedCostNanoUsd: number;
}

const DEFAULT_PRICE = { inputPerToken: 1e-6, outputPerToken: 2e-6 };

/** The bundled catalog's prices keyed by each model's name on a gateway flavour. */
function catalogPrices(
  flavour: LoopbackFlavour,
): Record<string, { inputPerToken: number; outputPerToken: number }> {
  const gateway = flavour === 'openai' ? 'direct' : flavour;
  const prices: Record<string, { inputPerToken: number; outputPerToken: number }> = {};
  for (const model of DEFAULT_CATALOG_MODELS) {
    const name = model.gatewayModels[gateway];
    if (name) prices[name] = model.gatewayPricing?.[gateway] ?? model.pricing;
  }
  return prices;
}

function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

function lastUserText(body: ChatRequestBody): string {
  const messages = body.messages ?? [];
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (Array.isArray(message.content)) {
      return message.content
        .map((part: { text?: string }) => (typeof part?.text === 'string' ? part.text : ''))
        .join(' ');
    }
  }
  return '';
}

function promptTokens(body: ChatRequestBody): number {
  let characters = 0;
  for (const message of body.messages ?? []) {
    characters +=
      typeof message.content === 'string'
        ? message.content.length
        : JSON.stringify(message.content ?? '').length;
  }
  return Math.max(1, Math.ceil(characters / 4));
}

function errorBody(
  flavour: LoopbackFlavour,
  status: number,
  message: string,
  type?: string,
  metadata?: Readonly<Record<string, unknown>>,
): unknown {
  if (flavour === 'litellm')
    return { error: { message, type: type ?? 'None', param: 'None', code: String(status) } };
  if (flavour === 'openrouter')
    return { error: { code: status, message, ...(metadata ? { metadata } : {}) } };
  return { error: { message, type: type ?? 'invalid_request_error', param: null, code: null } };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * Writes `text` and resolves once Node has handed it to the socket (the write callback), or once the
 * response closes. Resolving on the callback rather than on `write()`'s return value matters for the
 * faults: a fault that cuts the connection right after this must not race bytes still corked in
 * the response (Node 24.22 holds them there past the current tick). It also respects backpressure:
 * a slow client slows the server rather than filling its buffers.
 */
function write(response: ServerResponse, text: string, split: boolean): Promise<void> {
  if (response.destroyed || response.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off('close', done);
      resolve();
    };
    response.on('close', done);
    if (split && text.length > 8) {
      const middle = Math.floor(text.length / 2);
      response.write(text.slice(0, middle));
      response.write(text.slice(middle), done);
    } else response.write(text, done);
  });
}

/** Writes a `raw` fault's answer: each piece flushed before the next, the last one repeated if asked. */
async function sendRaw(
  response: ServerResponse,
  raw: Extract<LoopbackFault, { raw: unknown }>['raw'],
): Promise<void> {
  response.writeHead(raw.status ?? 200, { ...raw.headers });
  let open = true;
  response.once('close', () => {
    open = false;
  });
  const pieces = typeof raw.body === 'string' ? [raw.body] : raw.body;
  for (const piece of pieces) await write(response, piece, false);
  const last = pieces.at(-1);
  if (raw.repeatLast && last) {
    // Paced by the client (each write waits for its flush); stops once the client goes away. A
    // macrotask between writes: a write to a socket being torn down can call back at once, and a
    // loop of such callbacks would starve the event loop before 'close' is seen.
    while (open && !response.destroyed && !response.writableEnded && !response.socket?.destroyed) {
      await write(response, last, false);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return;
  }
  response.end();
}

/** Starts a loopback server speaking OpenAI's chat-completions protocol in the given flavour. */
export async function startChatServer(settings: ChatServerSettings): Promise<ChatServer> {
  const faults: { fault: LoopbackFault; remaining: number; options: FaultOptions }[] = [];
  let reply = settings.reply;
  let ready = true;
  let streamsClosedByClient = 0;
  let deltasWritten = 0;
  let chatCount = 0;
  let reportedCostNanoUsd = 0;
  const countCostWhenSent = (response: ServerResponse, cost: number | null) => {
    if (cost === null) return;
    response.once('finish', () => {
      reportedCostNanoUsd += Math.round(cost * 1e9);
    });
  };
  const chatRequests: RecordedRequest[] = [];
  const flavour = settings.flavour;
  const prefix = flavour === 'openrouter' ? '/api/v1' : '/v1';

  // The first matching fault whose probability draw passes (each draws on its own), in the order
  // they were added.
  const takeFault = (body: ChatRequestBody): LoopbackFault | undefined => {
    for (let index = 0; index < faults.length; index++) {
      const entry = faults[index];
      if (!entry) continue;
      const { options } = entry;
      if (options.model !== undefined && options.model !== body.model) continue;
      if (options.stream !== undefined && options.stream !== Boolean(body.stream)) continue;
      const { probability, random = Math.random } = options;
      if (probability !== undefined && random() >= probability) continue;
      entry.remaining--;
      if (entry.remaining <= 0) faults.splice(index, 1);
      return entry.fault;
    }
    return undefined;
  };

  const authorized = (recorded: RecordedRequest) =>
    settings.apiKey === undefined || recorded.headers.authorization === `Bearer ${settings.apiKey}`;

  const unauthorized = (response: ServerResponse, recorded: RecordedRequest) => {
    if (flavour === 'litellm') {
      const sent = (recorded.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      // LiteLLM echoes a masked form of the key it was given.
      const masked = sent.length > 8 ? `${sent.slice(0, 3)}...${sent.slice(-4)}` : '****';
      sendJson(
        response,
        401,
        errorBody(
          flavour,
          401,
          `Authentication Error, Invalid proxy server token passed. Received API Key = ${masked}, Key Hash (Token) =unknown. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
          'auth_error',
        ),
      );
    } else if (flavour === 'openrouter')
      sendJson(response, 401, errorBody(flavour, 401, 'No auth credentials found'));
    else
      sendJson(
        response,
        401,
        errorBody(flavour, 401, 'Incorrect API key provided.', 'invalid_request_error'),
      );
  };

  const buildReply = (body: ChatRequestBody): Required<Pick<LoopbackReply, 'text'>> & LoopbackReply => {
    const built = reply?.(body) ?? {};
    return { ...built, text: built.text ?? `echo: ${lastUserText(body)}` };
  };

  const prices = settings.prices ?? catalogPrices(flavour);
  const costOf = (model: string, prompt: number, completion: number) => {
    const price = prices[model] ?? DEFAULT_PRICE;
    return prompt * price.inputPerToken + completion * price.outputPerToken;
  };

  async function handleChat(request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest) {
    chatCount++;
    if (settings.record !== false) chatRequests.push(recorded);
    if (!authorized(recorded)) return unauthorized(response, recorded);
    const body = (
      typeof recorded.body === 'object' && recorded.body !== null ? recorded.body : {}
    ) as ChatRequestBody;
    const model = body.model ?? '';
    if (!Array.isArray(body.messages) || model === '') {
      return sendJson(response, 400, errorBody(flavour, 400, 'messages and model are required'));
    }
    if (settings.models && !settings.models.includes(model)) {
      if (flavour === 'litellm') {
        return sendJson(
          response,
          400,
          errorBody(
            flavour,
            400,
            `/chat/completions: Invalid model name passed in model=${model}. Call \`/v1/models\` to view available models for your key.`,
          ),
        );
      }
      if (flavour === 'openrouter')
        return sendJson(response, 400, errorBody(flavour, 400, `${model} is not a valid model ID`));
      return sendJson(
        response,
        404,
        errorBody(flavour, 404, `The model \`${model}\` does not exist`, 'invalid_request_error'),
      );
    }
    if (
      flavour === 'litellm' &&
      typeof body.api_key === 'string' &&
      settings.acceptProviderKey &&
      !settings.acceptProviderKey(body.api_key, model)
    ) {
      const provider = model.split('/')[0] ?? 'openai';
      const name = provider.charAt(0).toUpperCase() + provider.slice(1);
      return sendJson(
        response,
        401,
        errorBody(
          flavour,
          401,
          `litellm.AuthenticationError: ${name}Exception - invalid api key`,
          'auth_error',
        ),
      );
    }

    const fault = takeFault(body);
    if (fault && 'raw' in fault) return sendRaw(response, fault.raw);
    if (fault && 'hang' in fault) return; // the socket stays open until the client gives up
    if (fault && 'reset' in fault) return request.socket.destroy();
    if (fault && 'status' in fault) {
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return sendJson(
        response,
        fault.status,
        fault.body ??
          errorBody(
            flavour,
            fault.status,
            fault.message ?? `injected ${fault.status}`,
            fault.type,
            fault.metadata,
          ),
        headers,
      );
    }
    const latency = (fault && 'delayMs' in fault ? fault.delayMs : 0) + (settings.latencyMs ?? 0);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

    const answer = buildReply(body);
    const prompt = answer.promptTokens ?? promptTokens(body);
    const completion = answer.completionTokens ?? tokensOf(answer.text);
    const cost = answer.costUsd === undefined ? costOf(model, prompt, completion) : answer.costUsd;
    const callId = recorded.headers['x-litellm-call-id'] ?? randomUUID();
    const id = `chatcmpl-${randomUUID()}`;
    const usage: Record<string, unknown> = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: answer.cachedTokens ?? 0 },
    };
    if (flavour === 'openrouter' && cost !== null) Object.assign(usage, { cost, is_byok: false });
    const headers: Record<string, string> = {};
    if (flavour === 'litellm') {
      headers['x-litellm-call-id'] = callId;
      headers['x-litellm-model-id'] = `deployment-${model}`;
      headers['x-litellm-version'] = '1.80.0';
      if (!body.stream && cost !== null) headers['x-litellm-response-cost'] = String(cost);
    }
    const finishReason = answer.finishReason ?? ((answer.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
    const toolCalls = answer.toolCalls?.map((call, index) => ({
      id: call.id ?? `call_${index}`,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));

    if (fault && 'errorInBody' in fault) {
      const failed = {
        id,
        object: body.stream ? 'chat.completion.chunk' : 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        ...(body.stream
          ? { error: { ...fault.errorInBody, metadata: { error_type: 'provider_unavailable' } } }
          : {}),
        choices: [
          {
            index: 0,
            ...(body.stream ? { delta: { content: '' } } : { message: { role: 'assistant', content: '' } }),
            finish_reason: 'error',
            ...(body.stream ? {} : { error: fault.errorInBody }),
          },
        ],
        ...(fault.costUsd === undefined ? {} : { usage: { ...usage, cost: fault.costUsd } }),
      };
      // The cost is the one in the body (not the header of a normal answer).
      delete headers['x-litellm-response-cost'];
      if (fault.costUsd !== undefined) countCostWhenSent(response, fault.costUsd);
      if (!body.stream) return sendJson(response, 200, failed, headers);
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        ...headers,
      });
      await write(response, `data: ${JSON.stringify(failed)}\n\ndata: [DONE]\n\n`, false);
      return response.end();
    }

    if (!body.stream) {
      if (fault && 'malformed' in fault) {
        response.writeHead(200, { 'content-type': 'application/json', ...headers });
        return response.end(`{"id":"${id}","choices":[{"message":`);
      }
      countCostWhenSent(response, cost);
      return sendJson(
        response,
        200,
        {
          id,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: answer.text,
                ...(toolCalls ? { tool_calls: toolCalls } : {}),
              },
              finish_reason: finishReason,
            },
          ],
          usage,
        },
        headers,
      );
    }

    // Server-sent events.
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...headers,
    });
    let closedByClient = false;
    response.on('close', () => {
      if (!response.writableFinished) {
        closedByClient = true;
        streamsClosedByClient++;
      }
    });
    const split = settings.splitWrites ?? false;
    const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
    const event = (payload: unknown) => write(response, `data: ${JSON.stringify(payload)}\n\n`, split);
    if (flavour === 'openrouter') await write(response, ': OPENROUTER PROCESSING\n\n', split);
    await event({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });

    const size = settings.streamChunkSize ?? 4;
    const deltas = answer.chunks ?? answer.text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
    let sent = 0;
    for (const delta of deltas) {
      if (closedByClient) return;
      if (fault && 'cutAfterChunks' in fault && sent >= fault.cutAfterChunks) {
        // Every earlier write has been flushed (see write()): end the socket so the client gets the
        // deltas, then a body cut short (no terminating chunk, no final event, no [DONE]).
        request.socket.end();
        return;
      }
      if (fault && 'stallAfterChunks' in fault && sent >= fault.stallAfterChunks) return;
      if (fault && 'errorAfterChunks' in fault && sent >= fault.errorAfterChunks) {
        const code = fault.code ?? 502;
        const message = fault.message ?? 'injected mid-stream error';
        const billed = fault.costUsd === undefined ? {} : { usage: { ...usage, cost: fault.costUsd } };
        if (fault.costUsd !== undefined) countCostWhenSent(response, fault.costUsd);
        if (flavour === 'openrouter') {
          await event({
            ...base,
            error: { code, message, metadata: { error_type: 'provider_unavailable' } },
            choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
            ...billed,
          });
        } else
          await event({ error: { message, type: 'None', param: 'None', code: String(code) }, ...billed });
        await write(response, 'data: [DONE]\n\n', split);
        return response.end();
      }
      if (fault && 'malformed' in fault && sent === 1)
        await write(response, 'data: {"choices": [{"delta": {"content": \n\n', split);
      await event({ ...base, choices: [{ index: 0, delta: { content: delta }, finish_reason: null }] });
      deltasWritten++;
      sent++;
    }
    if (closedByClient) return;
    if (toolCalls) {
      for (const [index, call] of toolCalls.entries()) {
        await event({
          ...base,
          choices: [
            {
              index: 0,
              delta: {
                tool_calls: [
                  {
                    index,
                    id: call.id,
                    type: 'function',
                    function: { name: call.function.name, arguments: '' },
                  },
                ],
              },
              finish_reason: null,
            },
          ],
        });
        const args = call.function.arguments;
        const middle = Math.floor(args.length / 2);
        for (const piece of [args.slice(0, middle), args.slice(middle)]) {
          await event({
            ...base,
            choices: [
              {
                index: 0,
                delta: { tool_calls: [{ index, function: { arguments: piece } }] },
                finish_reason: null,
              },
            ],
          });
        }
      }
    }
    await event({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] });
    const includeUsage = flavour === 'openrouter' || body.stream_options?.include_usage === true;
    if (includeUsage) {
      // After a corrupt event the client has stopped reading: the cost below never reaches it.
      if (!(fault && 'malformed' in fault)) countCostWhenSent(response, cost);
      const streamUsage = flavour === 'litellm' && cost !== null ? { ...usage, cost } : usage;
      await event({ ...base, choices: [], usage: streamUsage });
    }
    await write(response, 'data: [DONE]\n\n', split);
    response.end();
  }

  function handleOther(response: ServerResponse, recorded: RecordedRequest) {
    const path = recorded.path.split('?')[0];
    if (flavour === 'litellm') {
      if (path === '/health/liveliness' || path === '/health/liveness')
        return sendJson(response, 200, "I'm alive!");
      if (path === '/health/readiness') {
        return ready
          ? sendJson(response, 200, {
              status: 'healthy',
              db: 'connected',
              cache: null,
              litellm_version: '1.80.0',
            })
          : sendJson(response, 503, { detail: 'Service Unhealthy (database not connected)' });
      }
      if (path === '/health') {
        if (!authorized(recorded)) return unauthorized(response, recorded);
        const names = settings.models ?? [];
        return sendJson(response, 200, {
          healthy_endpoints: ready ? names.map((model) => ({ model })) : [],
          unhealthy_endpoints: ready ? [] : names.map((model) => ({ model, error: 'unreachable' })),
          healthy_count: ready ? names.length : 0,
          unhealthy_count: ready ? 0 : names.length,
        });
      }
    }
    if (flavour === 'openrouter' && path === '/api/v1/key') {
      if (!authorized(recorded)) return unauthorized(response, recorded);
      if (!ready) return sendJson(response, 503, errorBody(flavour, 503, 'temporarily unavailable'));
      return sendJson(response, 200, {
        data: { label: 'sk-or-v1-***', limit: null, limit_remaining: null, usage: 0, is_free_tier: false },
      });
    }
    if (path === `${prefix}/models` || (flavour === 'litellm' && path === '/models')) {
      if (flavour !== 'openrouter' && !authorized(recorded)) return unauthorized(response, recorded);
      return sendJson(response, 200, {
        object: 'list',
        data: (settings.models ?? []).map((id) => ({ id, object: 'model', owned_by: flavour })),
      });
    }
    sendJson(response, 404, errorBody(flavour, 404, `no route ${recorded.method} ${path}`));
  }

  const chatPaths = new Set([
    `${prefix}/chat/completions`,
    ...(flavour === 'litellm' ? ['/chat/completions'] : []),
  ]);
  const server = await startHttpServer(
    (request, response, recorded) => {
      if (recorded.method === 'POST' && chatPaths.has(recorded.path.split('?')[0] ?? ''))
        return handleChat(request, response, recorded);
      return handleOther(response, recorded);
    },
    { ...(settings.port === undefined ? {} : { port: settings.port }), record: settings.record ?? true },
  );

  return {
    url: server.url,
    port: server.port,
    requests: server.requests,
    openConnections: server.openConnections,
    openRequests: server.openRequests,
    down: server.down,
    up: server.up,
    close: server.close,
    flavour,
    baseURL: flavour === 'litellm' ? server.url : `${server.url}${prefix}`,
    chatRequests,
    fail(fault: LoopbackFault, options: FaultOptions = {}) {
      faults.push({ fault, remaining: options.times ?? 1, options });
    },
    clearFaults() {
      faults.length = 0;
    },
    setReply(next: (body: ChatRequestBody) => LoopbackReply) {
      reply = next;
    },
    setReady(value: boolean) {
      ready = value;
    },
    get streamsClosedByClient() {
      return streamsClosedByClient;
    },
    get deltasWritten() {
      return deltasWritten;
    },
    get chatCount() {
      return chatCount;
    },
    get reportedCostNanoUsd() {
      return reportedCostNanoUsd;
    },
  };
}

/** A loopback LiteLLM proxy: `/v1/chat/completions` (JSON and SSE), health endpoints, cost headers, LiteLLM's error JSON. */
export function startLiteLLMServer(settings: Omit<ChatServerSettings, 'flavour'> = {}): Promise<ChatServer> {
  return startChatServer({ ...settings, flavour: 'litellm' });
}

/** A loopback OpenRouter: `/api/v1/chat/completions`, `usage.cost`, `/api/v1/key`, processing comments, in-stream errors. */
export function startOpenRouterServer(
  settings: Omit<ChatServerSettings, 'flavour'> = {},
): Promise<ChatServer> {
  return startChatServer({ ...settings, flavour: 'openrouter' });
}
