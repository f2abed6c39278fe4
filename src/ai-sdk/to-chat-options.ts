import type { LanguageModelV4CallOptions, SharedV4Warning } from '@ai-sdk/provider';
import { isRecord } from '../errors/is-record.ts';
import type {
  ChatOptions,
  ModelRequirements,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../types/chat.ts';
import { convertPrompt } from './convert-prompt.ts';
import { ROUTER_PROVIDER_KEY, type RouterModelOptions } from './router-provider-settings.ts';

/** What a language model of the provider routes to, and the options its calls start from. */
export interface ModelTarget {
  /** Catalog ids (or gateway names) the call may use; `undefined` lets the router choose. */
  readonly model: string | readonly string[] | undefined;
  readonly options: RouterModelOptions;
}

/** Call settings of the AI SDK the router has no option for: each one set becomes a warning. */
const UNSUPPORTED_SETTINGS = [
  'stopSequences',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
] as const satisfies readonly (keyof LanguageModelV4CallOptions)[];

const CALL_OPTION_KEYS: ReadonlySet<string> = new Set([
  'user',
  'tags',
  'timeoutMs',
  'waitForHeadroomMs',
  'require',
  'callId',
]);

function unsupported(feature: string, details: string): SharedV4Warning {
  return { type: 'unsupported', feature, details };
}

function collectWarnings(call: LanguageModelV4CallOptions, warnings: SharedV4Warning[]): void {
  for (const key of UNSUPPORTED_SETTINGS) {
    const value = call[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    warnings.push(unsupported(key, 'llm-router does not forward it; the call was sent without it.'));
  }
  if (call.reasoning !== undefined && call.reasoning !== 'provider-default') {
    warnings.push(unsupported('reasoning', "llm-router does not forward it; the model's default applies."));
  }
  const headers = Object.entries(call.headers ?? {}).filter(
    ([name, value]) => value !== undefined && name.toLowerCase() !== 'user-agent',
  );
  if (headers.length > 0) {
    warnings.push(
      unsupported(
        'headers',
        'llm-router does not send per-call headers; set gateway headers in the router settings.',
      ),
    );
  }
  if (call.includeRawChunks) {
    warnings.push(unsupported('includeRawChunks', 'llm-router streams parsed parts only.'));
  }
  if (call.responseFormat?.type === 'json' && call.responseFormat.description !== undefined) {
    warnings.push(unsupported('responseFormat.description', 'only the schema and its name are sent.'));
  }
}

function convertTools(
  call: LanguageModelV4CallOptions,
  warnings: SharedV4Warning[],
): { tools?: ToolDefinition[]; toolChoice?: ToolChoice } {
  const tools: ToolDefinition[] = [];
  for (const tool of call.tools ?? []) {
    if (tool.type === 'provider') {
      warnings.push(
        unsupported(
          `provider-defined tool ${tool.id}`,
          'llm-router sends function tools only; it was left out.',
        ),
      );
      continue;
    }
    if (tool.strict === true) {
      warnings.push(unsupported(`strict mode of tool ${tool.name}`, 'the tool is sent without it.'));
    }
    if (tool.inputExamples !== undefined && tool.inputExamples.length > 0) {
      warnings.push(unsupported(`input examples of tool ${tool.name}`, 'the tool is sent without them.'));
    }
    tools.push({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema as Readonly<Record<string, unknown>>,
    });
  }
  if (tools.length === 0) return {};
  const choice = call.toolChoice;
  if (choice === undefined) return { tools };
  return { tools, toolChoice: choice.type === 'tool' ? { name: choice.toolName } : choice.type };
}

function convertResponseFormat(call: LanguageModelV4CallOptions): ResponseFormat | undefined {
  const format = call.responseFormat;
  if (format === undefined || format.type === 'text') return format;
  return {
    type: 'json',
    ...(format.schema === undefined ? {} : { schema: format.schema as Readonly<Record<string, unknown>> }),
    ...(format.name === undefined ? {} : { name: format.name }),
  };
}

/**
 * `providerOptions.llmRouter` over the model's options: a call's value replaces the model's, tags
 * add up, requirements merge. Values are passed on as given: the router checks them
 * (`InvalidRequestError` naming the option).
 */
function callOptions(target: ModelTarget, call: LanguageModelV4CallOptions, warnings: SharedV4Warning[]) {
  const given: Record<string, unknown> = call.providerOptions?.[ROUTER_PROVIDER_KEY] ?? {};
  for (const key of Object.keys(given)) {
    if (!CALL_OPTION_KEYS.has(key)) {
      warnings.push({
        type: 'other',
        message: `providerOptions.${ROUTER_PROVIDER_KEY}.${key} is not a router option and was ignored (known: ${[...CALL_OPTION_KEYS].join(', ')}).`,
      });
    }
  }
  const base = target.options;
  const tags = Array.isArray(given.tags) ? [...(base.tags ?? []), ...given.tags] : (given.tags ?? base.tags);
  const require =
    isRecord(given.require) && base.require !== undefined
      ? { ...base.require, ...given.require }
      : (given.require ?? base.require);
  const options: Record<string, unknown> = {
    user: given.user ?? base.user,
    tags: Array.isArray(tags) ? [...new Set(tags)] : tags,
    timeoutMs: given.timeoutMs ?? base.timeoutMs,
    waitForHeadroomMs: given.waitForHeadroomMs ?? base.waitForHeadroomMs,
    require,
    callId: given.callId,
  };
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return options as Pick<ChatOptions, 'user' | 'tags' | 'timeoutMs' | 'waitForHeadroomMs' | 'callId'> & {
    require?: ModelRequirements;
  };
}

/**
 * One AI SDK call as the router's `ChatOptions`, with a warning for every setting the router
 * cannot honour. Throws `UnsupportedFunctionalityError` for prompt content it cannot send.
 */
export function toChatOptions(
  target: ModelTarget,
  call: LanguageModelV4CallOptions,
): { chat: ChatOptions; warnings: SharedV4Warning[] } {
  const warnings: SharedV4Warning[] = [];
  collectWarnings(call, warnings);
  const messages = convertPrompt(call.prompt, warnings);
  const responseFormat = convertResponseFormat(call);
  const chat: ChatOptions = {
    messages,
    ...(target.model === undefined ? {} : { model: target.model }),
    ...callOptions(target, call, warnings),
    ...convertTools(call, warnings),
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    ...(call.maxOutputTokens === undefined ? {} : { maxTokens: call.maxOutputTokens }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(call.abortSignal === undefined ? {} : { signal: call.abortSignal }),
  };
  return { chat, warnings };
}
