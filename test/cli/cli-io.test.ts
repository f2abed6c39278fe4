import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createCliIo } from '../../src/cli/cli-io.ts';
import { formatTable, formatUsd, printable } from '../../src/cli/format-table.ts';

function capture() {
  const written: string[] = [];
  return { written, sink: { write: (text: string) => written.push(text) } };
}

describe('the output filter of the CLI', () => {
  test('a registered secret never reaches standard output or standard error', () => {
    const out = capture();
    const err = capture();
    const io = createCliIo({ stdout: out.sink, stderr: err.sink, stdin: new PassThrough(), env: {} });
    io.addSecret('  sk-live-secret-0123456789\n');
    io.out('key sk-live-secret-0123456789 and again sk-live-secret-0123456789\n');
    io.err('error: sk-live-secret-0123456789');
    expect(out.written).toEqual(['key [redacted] and again [redacted]\n']);
    expect(err.written).toEqual(['error: [redacted]']);
  });

  test('short values are not treated as secrets (they would redact ordinary words)', () => {
    const out = capture();
    const io = createCliIo({ stdout: out.sink, stderr: capture().sink, stdin: new PassThrough(), env: {} });
    io.addSecret('openai');
    io.out('openai');
    expect(out.written).toEqual(['openai']);
  });
});

describe('tables for people', () => {
  test('columns align, numbers on the right, trailing blanks trimmed', () => {
    const text = formatTable(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
      [
        ['a', '1', ''],
        ['longer', '1,234', 'x'],
      ],
    );
    expect(text).toBe('NAME        N  NOTE\na           1\nlonger  1,234  x\n');
  });

  test('control and bidi characters are shown escaped', () => {
    expect(printable('a\nb\u001b[31mc\u202ed\u0085')).toBe('a\\u000ab\\u001b[31mc\\u202ed\\u0085');
    expect(formatTable([{ header: 'X' }], [['\r\n']])).toBe('X\n\\u000d\\u000a\n');
  });

  test('USD keeps four significant digits without an exponent', () => {
    expect(formatUsd(0)).toBe('0');
    expect(formatUsd(12.5)).toBe('12.5000');
    expect(formatUsd(0.0015)).toBe('0.001500');
    expect(formatUsd(1.25e-8)).toBe('0.00000001250');
  });
});
