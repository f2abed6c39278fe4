import type { ModelRequirements } from '../types/chat.ts';

/** What to compare: a model (or several) across the offers that serve it, or every model meeting requirements. */
export interface CostComparisonQuery {
  /** A catalog id or gateway model name; or a list. Leave out to compare every model meeting `require`. */
  readonly model?: string | readonly string[];
  readonly require?: ModelRequirements;
  /** Prompt tokens of the call to price. */
  readonly inputTokens: number;
  /** Output tokens of the call to price. */
  readonly outputTokens: number;
  /** Of `inputTokens`, how many are served from the prompt cache. @default 0 */
  readonly cachedInputTokens?: number;
}
