import { UnreadableAnswer } from './unreadable-answer.ts';

/** The error for an answer past `setting`. */
export function answerTooLarge(setting: string, maxBytes: number): UnreadableAnswer {
  return new UnreadableAnswer(`the answer is larger than ${setting} (${maxBytes} bytes)`);
}

/**
 * The byte bound that holds for `response` before anything is read: fails with `UnreadableAnswer`
 * (and closes the connection) when its declared `content-length` is past `maxBytes`. Returns
 * whether that declared length already bounds the body (a plain, not re-encoded answer), so that
 * it can be read whole without counting.
 */
export function checkDeclaredLength(response: Response, maxBytes: number, setting: string): boolean {
  const declared = response.headers.get('content-length');
  if (declared === null) return false;
  const length = Number(declared);
  if (length > maxBytes) {
    response.body?.cancel().catch(() => undefined);
    throw answerTooLarge(setting, maxBytes);
  }
  // A compressed answer's length says nothing of what it inflates to: count it.
  const encoding = response.headers.get('content-encoding');
  return Number.isInteger(length) && length >= 0 && (encoding === null || encoding === 'identity');
}

/**
 * An answer's body as text, never read past `maxBytes` (`setting` names the bound in the error):
 * `UnreadableAnswer` past it, and the connection is closed. A body whose declared length is within
 * the bound is read whole (`response.text()`: HTTP framing stops it at that length); any other is
 * read chunk by chunk and counted.
 */
export async function readBoundedText(
  response: Response,
  maxBytes: number,
  setting: string,
): Promise<string> {
  if (checkDeclaredLength(response, maxBytes, setting)) return response.text();
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      read += value.byteLength;
      if (read > maxBytes) throw answerTooLarge(setting, maxBytes);
      text += decoder.decode(value, { stream: true });
    }
    finished = true;
    return text + decoder.decode();
  } finally {
    // Not awaited: a body that never settles its cancel must not hold the caller.
    if (!finished) reader.cancel().catch(() => undefined);
  }
}
