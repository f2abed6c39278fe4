import { RouterError } from './router-error.ts';

/**
 * A `ChatStream` was read a second time: iterated twice, iterated after its `textStream` (or the
 * other way round), or iterated after `await stream.result` had started reading it on its own. A
 * stream can be read once; to get both the parts and the result, iterate and then await `result`.
 */
export class StreamAlreadyReadError extends RouterError {
  /** The call whose stream was read twice. */
  readonly callId: string;

  constructor({ callId }: { callId: string }) {
    super({
      message:
        'A ChatStream can be read once: iterate it or its textStream, not both and not twice, and not after awaiting `result` alone started reading it. Iterate first, then await `result`.',
    });
    this.name = 'StreamAlreadyReadError';
    this.callId = callId;
  }

  static override isInstance(error: unknown): error is StreamAlreadyReadError {
    return RouterError.hasName(error, 'StreamAlreadyReadError');
  }
}
