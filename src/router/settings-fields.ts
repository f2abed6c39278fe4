import * as z from 'zod/mini';
import { whole } from '../errors/check-settings.ts';

// Field schemas shared by the router's settings: URLs, keys, headers and bounded numbers. Each one
// refuses at construction what would otherwise fail on every call (an unparsable URL, a header
// value fetch() cannot send) or what the code cannot hold (an array of 2^31 breaker buckets).
// Messages never quote the value: it may be, or hold, a secret.

/** Longest timer Node.js runs in one piece (about 24.8 days); every `…Ms` setting is at most this. */
export const MAX_MILLISECONDS = 2 ** 31 - 1;
/** Largest token count accepted in settings (context windows, output sizes): 100 million. */
export const MAX_TOKENS = 100_000_000;
/** Highest price per token accepted in settings: 0.01 USD, i.e. 10,000 USD per million tokens. */
export const MAX_USD_PER_TOKEN = 0.01;

const URL_EXAMPLE = 'e.g. "https://litellm.example.com"';
// Printable ASCII only: no spaces, line breaks, NUL or other control characters, which `URL`
// would silently strip or reject later, and which fetch() cannot put into a header.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * An http(s) URL, parsed with `URL`: no credentials (user:password@), no spaces or control
 * characters, a valid host and port. `appendsPaths`: the router appends paths to it, so it may not
 * carry a query or a fragment.
 */
export function httpUrl({ appendsPaths }: { appendsPaths: boolean }) {
  return z.string({ message: `expected a URL string, ${URL_EXAMPLE}` }).check(
    z.superRefine((value, context) => {
      const problem = urlProblem(value, appendsPaths);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  );
}

function urlProblem(value: string, appendsPaths: boolean): string | undefined {
  if (!/^https?:\/\//i.test(value))
    return `expected an http(s) URL starting with http:// or https://, ${URL_EXAMPLE}`;
  if (!PRINTABLE_ASCII.test(value))
    return 'expected a URL without spaces, line breaks or control characters (write a non-ASCII host name in punycode, xn--…)';
  const authority = value.slice(value.indexOf('//') + 2).split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@'))
    return 'must not hold credentials (user:password@host): pass the key as `apiKey`, or in `headers`';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected a valid http(s) URL (host, and a port from 1 to 65535), ${URL_EXAMPLE}`;
  }
  if (url.hostname === '' || url.port === '0')
    return `expected a valid http(s) URL (host, and a port from 1 to 65535), ${URL_EXAMPLE}`;
  if (appendsPaths && (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')))
    return `expected a URL without a query or fragment (the router appends paths to it), ${URL_EXAMPLE}`;
  return undefined;
}

/**
 * A key sent in an `Authorization` header: visible ASCII without spaces or line breaks (a key read
 * from a file often ends with a line break, which fetch() refuses on every call).
 */
export function apiKey(what: string) {
  return z
    .string({ message: `expected ${what} as a string` })
    .check(
      z.minLength(1, `expected a non-empty ${what}`),
      z.regex(
        PRINTABLE_ASCII,
        `expected ${what} of visible ASCII characters, without spaces or line breaks (it is sent in an HTTP header)`,
      ),
    );
}

// RFC 9110: a header name is a token; a value is visible ASCII, Latin-1 (obs-text), spaces and
// tabs. fetch() refuses anything else (a character above U+00FF, CR, LF, NUL) on every request.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const HEADER_VALUE_PROBLEM =
  'expected a header value of Latin-1 characters (no line breaks, NUL, control characters or characters such as ☕ beyond U+00FF)';

/** A string sent as a header value (`appName`). */
export const headerValue = z
  .string({ message: 'expected a string' })
  .check(z.regex(HEADER_VALUE, HEADER_VALUE_PROBLEM));

/** Extra headers: valid names (tokens) and values. A bad name is quoted; a value never is. */
export const headers = z
  .record(z.string(), z.string({ message: 'expected a string header value' }), {
    message: 'expected an object of header names to string values',
  })
  .check(
    z.superRefine((record, context) => {
      for (const [name, value] of Object.entries(record)) {
        if (!HEADER_NAME.test(name))
          context.addIssue({
            code: 'custom',
            message: `header name ${JSON.stringify(name)} is not valid: expected letters, digits and !#$%&'*+.^_\`|~- only (no spaces, colons or line breaks)`,
          });
        else if (!HEADER_VALUE.test(value))
          context.addIssue({ code: 'custom', message: HEADER_VALUE_PROBLEM, path: [name] });
      }
    }),
  );

/** A whole number of milliseconds, from `min` (0 or 1) to `MAX_MILLISECONDS`. */
export function milliseconds(min: 0 | 1) {
  return z
    .number({ message: 'expected a number of milliseconds' })
    .check(
      whole('expected a whole number of milliseconds'),
      z.minimum(
        min,
        min === 0 ? 'expected 0 or more milliseconds' : 'expected a positive number of milliseconds',
      ),
      z.maximum(MAX_MILLISECONDS, `expected at most ${MAX_MILLISECONDS} milliseconds (about 24.8 days)`),
    );
}

/** A whole number of tokens from 1 to `MAX_TOKENS`. */
export const tokens = z
  .number({ message: 'expected a number of tokens' })
  .check(
    whole('expected a whole number of tokens'),
    z.positive('expected a positive number of tokens'),
    z.maximum(MAX_TOKENS, `expected at most ${MAX_TOKENS} tokens`),
  );

/** A USD price per token from 0 to `MAX_USD_PER_TOKEN`. */
export const usdPerToken = z
  .number({ message: 'expected a USD price per token, e.g. 0.000003 for $3 per million tokens' })
  .check(
    z.minimum(0, 'expected a USD price per token, 0 or more'),
    z.maximum(MAX_USD_PER_TOKEN, `expected at most ${MAX_USD_PER_TOKEN} USD per token ($10,000 per million)`),
  );

/** A whole count from 0 to `max`. */
export function count(what: string, max: number) {
  return z
    .number({ message: `expected a number of ${what}` })
    .check(
      whole(`expected a whole number of ${what}`),
      z.minimum(0, `expected 0 or more ${what}`),
      z.maximum(max, `expected at most ${max} ${what}`),
    );
}
