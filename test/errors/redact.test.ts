import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/errors/redact.ts';

describe('redactSecrets', () => {
  it('removes exact secrets wherever they appear', () => {
    const secret = 'tenant-key-0042';
    expect(redactSecrets(`auth failed for ${secret} (key ${secret})`, [secret])).toBe(
      'auth failed for [redacted] (key [redacted])',
    );
  });

  it('removes several secrets and skips undefined and empty ones', () => {
    expect(redactSecrets('a=alpha-value b=beta-value', [undefined, '', 'alpha-value', 'beta-value'])).toBe(
      'a=[redacted] b=[redacted]',
    );
  });

  it('leaves secrets shorter than six characters alone, so common words survive', () => {
    expect(redactSecrets('the proxy said no', ['the', 'proxy', 'no'])).toBe('the proxy said no');
    expect(redactSecrets('code 12345x', ['12345x'])).toBe('code [redacted]');
  });

  it.each([
    [
      'an OpenAI key',
      'Incorrect API key provided: sk-proj-AbCdEf1234567890xyz.',
      'Incorrect API key provided: [redacted].',
    ],
    ['an OpenRouter key', 'key sk-or-v1-0123456789abcdef was revoked', 'key [redacted] was revoked'],
    ['an Anthropic key', 'x-api-key: sk-ant-api03-AAAAbbbbCCCC', 'x-api-key: [redacted]'],
    [
      'a LiteLLM virtual key',
      'Invalid proxy server token passed. sk-1234abcd5678',
      'Invalid proxy server token passed. [redacted]',
    ],
    ['a publishable-style key', 'pk-live_abcdefgh12 rejected', '[redacted] rejected'],
    ['a Google key', 'API key AIzaSyA1234567890abcdefghijklmnop not valid', 'API key [redacted] not valid'],
    ['a bearer token', 'Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.abc', 'Authorization: [redacted]'],
    ['a lower-case bearer token', 'authorization: bearer abcdefgh12345678', 'authorization: [redacted]'],
  ])('removes %s by its shape', (_what, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it.each([
    [
      '?key=',
      'GET https://generativelanguage.googleapis.com/v1beta/models?key=XyZ123secret&alt=sse failed',
      'GET https://generativelanguage.googleapis.com/v1beta/models?key=[redacted]&alt=sse failed',
    ],
    [
      '&api_key=',
      'https://api.example.com/v1?model=x&api_key=abc123 timed out',
      'https://api.example.com/v1?model=x&api_key=[redacted] timed out',
    ],
    [
      '?apikey= in JSON',
      '{"url":"https://h.example.com/chat?apikey=abc123"}',
      '{"url":"https://h.example.com/chat?apikey=[redacted]"}',
    ],
    ['?KEY= in capitals', 'https://h.example.com/?KEY=abc123', 'https://h.example.com/?KEY=[redacted]'],
  ])('removes the value of %s but keeps the parameter name', (_what, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it.each([
    ['short sk- strings', 'flag sk-1 and sk-abc are fine'],
    ['words that merely contain sk-', 'a risk-assessment-framework and desk-reservations'],
    ['a short AIza prefix', 'AIzaShort'],
    ['the word Bearer without a token', 'Bearer token missing'],
    ['a parameter that only ends in key', 'https://h.example.com/?monkey=banana&keyboard=qwerty'],
    ['plain text', 'Rate limit exceeded for model gpt-5.4-mini. Try again in 2s.'],
  ])('leaves %s alone', (_what, text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('gives the same answer on repeated calls (no state left in the patterns)', () => {
    const text = 'sk-abcdefgh12345678 and AIzaSyA1234567890abcdefghijklmnop';
    const first = redactSecrets(text);
    expect(first).toBe('[redacted] and [redacted]');
    for (let index = 0; index < 3; index++) expect(redactSecrets(text)).toBe(first);
  });

  it('removes exact secrets and key shapes together', () => {
    const text = 'proxy key custom-proxy-secret, upstream key sk-live-ABCDEFGH1234';
    expect(redactSecrets(text, ['custom-proxy-secret'])).toBe(
      'proxy key [redacted], upstream key [redacted]',
    );
  });
});
