import { describe, expect, test } from 'vitest';
import { type HiddenLineState, typeHidden } from '../../src/cli/hidden-line.ts';

const typing = (text = ''): HiddenLineState => ({ kind: 'typing', text });
const type = (...chunks: string[]) => chunks.reduce(typeHidden, typing());

describe('typing at the hidden key prompt', () => {
  test.each([
    ['Enter ends the line', ['abc\r'], { kind: 'done', text: 'abc' }],
    ['a line feed ends it too', ['abc\n'], { kind: 'done', text: 'abc' }],
    ['chunks add up', ['ab', 'cd'], typing('abcd')],
    ['Backspace and Delete erase one character', ['abcd\u007f\b\r'], { kind: 'done', text: 'ab' }],
    ['erasing an empty line does nothing', ['\u007fa\r'], { kind: 'done', text: 'a' }],
    ['Ctrl-U clears the line', ['abc\u0015xy\r'], { kind: 'done', text: 'xy' }],
    ['Ctrl-C interrupts', ['abc\u0003'], { kind: 'interrupted' }],
    ['Ctrl-D on an empty line ends it empty', ['\u0004'], { kind: 'done', text: '' }],
    ['Ctrl-D after text is ignored', ['ab\u0004c\r'], { kind: 'done', text: 'abc' }],
    [
      'arrow keys and other escape sequences are ignored',
      ['a\u001b[D\u001b[1;5Cb\r'],
      { kind: 'done', text: 'ab' },
    ],
    ['other control characters are dropped', ['a\u0007\tb\r'], { kind: 'done', text: 'ab' }],
    [
      'a pasted key arrives whole',
      ['sk-pasted-0123456789abcdef\r'],
      { kind: 'done', text: 'sk-pasted-0123456789abcdef' },
    ],
    ['whatever follows Enter is not read', ['ab\rcd'], { kind: 'done', text: 'ab' }],
    ['characters beyond the BMP are erased whole', ['a😀\u007f\r'], { kind: 'done', text: 'a' }],
  ])('%s', (_name, chunks, expected) => {
    expect(type(...chunks)).toEqual(expected);
  });

  test('a finished line does not change', () => {
    expect(typeHidden({ kind: 'done', text: 'x' }, 'more\r')).toEqual({ kind: 'done', text: 'x' });
    expect(typeHidden({ kind: 'interrupted' }, 'more\r')).toEqual({ kind: 'interrupted' });
  });
});
