import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { StreamInterruptedError } from '../errors/call-errors.ts';
import type { StreamPart, StreamResult } from '../types/stream.ts';
import { toFinishReason, toProviderMetadata, toUsage } from './router-metadata.ts';

const TEXT_ID = 'text-0';

/**
 * Turns the router's stream parts into the AI SDK's, one at a time: text deltas inside one
 * text-start / text-end block, tool-call deltas as tool-input-start / -delta / -end followed by the
 * whole tool-call, and a finish part carrying usage and the router's metadata.
 */
export class StreamPartMapper {
  private textOpen = false;
  /** Tool inputs by their position in the answer: the id they were announced under. */
  private readonly inputs = new Map<number, { id: string; started: boolean; pending: string }>();

  /** `result` is read only on `finish` (the router settles it before yielding that part). */
  map(
    part: StreamPart,
    result: () => Promise<StreamResult>,
  ): Promise<LanguageModelV4StreamPart[]> | LanguageModelV4StreamPart[] {
    switch (part.type) {
      case 'text-delta':
        return this.text(part.text);
      case 'tool-call-delta':
        return this.toolDelta(part);
      case 'tool-call': {
        const parts: LanguageModelV4StreamPart[] = [];
        const { id, name, arguments: input } = part.toolCall;
        for (const [index, entry] of this.inputs) {
          if (entry.id !== id) continue;
          if (entry.started) parts.push({ type: 'tool-input-end', id });
          this.inputs.delete(index);
          break;
        }
        parts.push({ type: 'tool-call', toolCallId: id, toolName: name, input: input === '' ? '{}' : input });
        return parts;
      }
      case 'finish':
        return result().then((value) => [
          ...this.closeText(),
          { type: 'response-metadata', id: value.callId, modelId: value.route.model },
          {
            type: 'finish',
            finishReason: toFinishReason(value.finishReason),
            usage: toUsage(value.usage),
            providerMetadata: toProviderMetadata(value),
          },
        ]);
    }
  }

  /**
   * The parts that end a stream the router broke off: the error, then a finish with what the
   * delivered part cost (a `StreamInterruptedError` knows it).
   */
  fail(routerError: unknown, aiSdkError: unknown): LanguageModelV4StreamPart[] {
    const parts: LanguageModelV4StreamPart[] = [...this.closeText(), { type: 'error', error: aiSdkError }];
    if (StreamInterruptedError.isInstance(routerError)) {
      parts.push({
        type: 'finish',
        finishReason: { unified: 'error', raw: routerError.error.kind },
        usage: toUsage(routerError.usage),
        providerMetadata: toProviderMetadata(routerError),
      });
    }
    return parts;
  }

  private text(delta: string): LanguageModelV4StreamPart[] {
    const parts: LanguageModelV4StreamPart[] = [];
    if (!this.textOpen) {
      this.textOpen = true;
      parts.push({ type: 'text-start', id: TEXT_ID });
    }
    parts.push({ type: 'text-delta', id: TEXT_ID, delta });
    return parts;
  }

  private closeText(): LanguageModelV4StreamPart[] {
    if (!this.textOpen) return [];
    this.textOpen = false;
    return [{ type: 'text-end', id: TEXT_ID }];
  }

  private toolDelta(part: Extract<StreamPart, { type: 'tool-call-delta' }>): LanguageModelV4StreamPart[] {
    const parts: LanguageModelV4StreamPart[] = [];
    let entry = this.inputs.get(part.index);
    if (!entry) {
      // The router names a call without an id `call_<index>`, here and in its whole tool-call part.
      entry = { id: part.id ?? `call_${part.index}`, started: false, pending: '' };
      this.inputs.set(part.index, entry);
    }
    // Input deltas are announced under the tool's name: until it is known they wait.
    entry.pending += part.argumentsDelta;
    if (!entry.started && part.name !== undefined) {
      entry.started = true;
      parts.push({ type: 'tool-input-start', id: entry.id, toolName: part.name });
    }
    if (entry.started && entry.pending !== '') {
      parts.push({ type: 'tool-input-delta', id: entry.id, delta: entry.pending });
      entry.pending = '';
    }
    return parts;
  }
}
