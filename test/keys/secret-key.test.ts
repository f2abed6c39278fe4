import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretKey } from '../../src/types/secret-key.ts';
import { renderings } from './helpers.ts';

const RAW = 'byok-secret-key-test-1234567890abcd';

describe('SecretKey', () => {
  it('reveals the key only through reveal()', () => {
    const key = new SecretKey(RAW);
    expect(key.reveal()).toBe(RAW);
    expect(key.length).toBe(RAW.length);
  });

  it('prints [redacted] through every way of turning it into text', () => {
    const key = new SecretKey(RAW);
    const texts = [
      ...renderings(key),
      ...renderings({ nested: { key } }),
      `${key}`,
      `prefix ${key} suffix`,
      // biome-ignore lint/style/useTemplate: string concatenation calls Symbol.toPrimitive
      'concat ' + key,
      format('%s %o %O %j', key, key, key, { key }),
      inspect([key], { depth: 5 }),
      JSON.stringify([key]),
      Object.keys(key).join(','),
      JSON.stringify({ ...key }),
      JSON.stringify(structuredClone({ key })),
    ];
    for (const text of texts) expect(text).not.toContain(RAW);
    expect(`${key}`).toBe('[redacted]');
    expect(JSON.stringify({ key })).toBe('{"key":"[redacted]"}');
    expect(inspect(key)).toBe('SecretKey([redacted])');
  });

  it('shows the last four characters only for keys of 16 characters or more', () => {
    expect(new SecretKey(RAW).last4).toBe('abcd');
    expect(new SecretKey('short-key-12345').last4).toBe('');
  });

  it('compares by value', () => {
    expect(new SecretKey(RAW).equals(new SecretKey(RAW))).toBe(true);
    expect(new SecretKey(RAW).equals(new SecretKey(`${RAW}x`))).toBe(false);
  });

  it('refuses a non-string', () => {
    expect(() => new SecretKey(42 as unknown as string)).toThrow(TypeError);
  });
});
