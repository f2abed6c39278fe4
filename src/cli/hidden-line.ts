/** What typing at the hidden prompt has produced so far. */
export type HiddenLineState =
  | { readonly kind: 'typing'; readonly text: string }
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'interrupted' };

/**
 * Applies raw terminal input (echo off, one chunk as the terminal sent it) to the line being typed:
 * Enter ends it, Backspace/Delete removes the last character, Ctrl-U clears it, Ctrl-C interrupts,
 * Ctrl-D on an empty line ends it empty. Other control characters and escape sequences (arrow keys)
 * are ignored; a pasted key arrives as one chunk and is kept whole.
 */
export function typeHidden(state: HiddenLineState, chunk: string): HiddenLineState {
  if (state.kind !== 'typing') return state;
  let text = state.text;
  for (let index = 0; index < chunk.length; index++) {
    const character = chunk[index] as string;
    if (character === '\r' || character === '\n') return { kind: 'done', text };
    if (character === '\u0003') return { kind: 'interrupted' };
    if (character === '\u0004') {
      if (text === '') return { kind: 'done', text };
      continue;
    }
    if (character === '\u007f' || character === '\b') {
      text = [...text].slice(0, -1).join('');
      continue;
    }
    if (character === '\u0015') {
      text = '';
      continue;
    }
    if (character === '\u001b') {
      // CSI sequence (arrow keys and the like): ESC [ parameters final-byte.
      if (chunk[index + 1] === '[') {
        index += 2;
        while (index < chunk.length && !/[@-~]/.test(chunk[index] as string)) index++;
      }
      continue;
    }
    if (character < ' ') continue;
    text += character;
  }
  return { kind: 'typing', text };
}
