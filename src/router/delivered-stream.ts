import { GatewayError } from '../errors/gateway-error.ts';
import type { Candidate } from '../ranking/candidate.ts';
import { MAX_TOOL_CALLS } from '../transports/answer-limits.ts';
import type { Cost, FinishReason, TokenUsage, ToolCall } from '../types/chat.ts';
import type { TransportStreamPart } from '../types/transport.ts';
import { estimateOutputTokens, settleCost } from './call-records.ts';
import type { CallPlan } from './plan-call.ts';
import { acceptReportedUsage, type FigureWarning } from './reported-figures.ts';

const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';

/**
 * A part as a transport handed it, checked before the router uses it: any transport (a user's own
 * included) may hand over garbage, and a tool call's `index` must never become a property key or
 * size an array. Throws a `bad-response` `GatewayError` for a part of the wrong shape.
 */
export function checkStreamPart(part: TransportStreamPart, candidate: Candidate): TransportStreamPart {
  const value = part as unknown as Record<string, unknown> | null;
  let problem: string | undefined;
  if (typeof value !== 'object' || value === null) problem = 'a part is not an object';
  else if (value.type === 'text-delta') {
    if (typeof value.text !== 'string') problem = 'a text delta has no string text';
  } else if (value.type === 'tool-call-delta') {
    const index = value.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_TOOL_CALLS)
      problem = `a tool-call delta has index ${String(index)}; expected a whole number from 0 to ${MAX_TOOL_CALLS - 1}`;
    else if (
      !isOptionalString(value.id) ||
      !isOptionalString(value.name) ||
      typeof value.argumentsDelta !== 'string'
    )
      problem = 'a tool-call delta has a non-string id, name or argumentsDelta';
  } else if (value.type === 'usage') {
    if (typeof value.usage !== 'object' || value.usage === null) problem = 'a usage part has no usage';
  } else if (value.type !== 'finish') problem = `a part has the unknown type ${String(value.type)}`;
  if (!problem) return part;
  return failBadPart(problem, candidate);
}

function failBadPart(problem: string, candidate: Candidate): never {
  throw new GatewayError({
    kind: 'bad-response',
    gateway: candidate.gateway,
    provider: candidate.model.provider,
    model: candidate.gatewayModel,
    message: `Unusable answer from ${candidate.gateway}: ${problem}.`,
  });
}

/** What a stream has delivered so far. */
export class Delivered {
  text = '';
  // Keyed by the (checked) wire index: never an array sized or a property named by the wire.
  private readonly toolCalls = new Map<number, { id: string; name: string; arguments: string }>();
  finishReason: FinishReason = 'other';
  usage: TokenUsage | undefined;
  costUsd: number | undefined;
  /** The cost the gateway reported billing for the attempt when it broke (an error event's cost). */
  billedCostUsd: number | undefined;

  add(part: TransportStreamPart): void {
    switch (part.type) {
      case 'text-delta':
        this.text += part.text;
        break;
      case 'tool-call-delta': {
        let call = this.toolCalls.get(part.index);
        if (!call) {
          call = { id: part.id ?? `call_${part.index}`, name: part.name ?? '', arguments: '' };
          this.toolCalls.set(part.index, call);
        }
        if (part.id) call.id = part.id;
        if (part.name) call.name = part.name;
        call.arguments += part.argumentsDelta;
        break;
      }
      case 'finish':
        this.finishReason = part.finishReason;
        break;
      case 'usage':
        this.usage = part.usage;
        this.costUsd = part.costUsd;
        break;
    }
  }

  /** The tool calls, whole, in index order. */
  calls(): ToolCall[] {
    return [...this.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({ ...call }));
  }

  /**
   * Reported usage (when plausible), or an estimate of what was delivered; the reported cost, else
   * what the gateway billed for a broken attempt, else catalog prices.
   */
  settle(plan: CallPlan, candidate: Candidate, warn: FigureWarning): { usage: TokenUsage; cost: Cost } {
    const reportedCost = this.costUsd ?? this.billedCostUsd;
    const reported = acceptReportedUsage(this.usage, warn);
    if (reported)
      return { usage: reported, cost: settleCost(candidate, reported, false, reportedCost, warn) };
    let generated = this.text;
    for (const call of this.calls()) generated += call.name + call.arguments;
    const inputTokens = plan.promptTokens;
    const outputTokens = estimateOutputTokens(plan, generated);
    const usage = {
      inputTokens,
      outputTokens,
      cachedInputTokens: 0,
      totalTokens: inputTokens + outputTokens,
    };
    return { usage, cost: settleCost(candidate, usage, true, reportedCost, warn) };
  }
}
