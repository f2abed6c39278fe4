const REDACTED = '[redacted]';

// Shapes of provider keys and bearer tokens, removed even when we do not know the exact value
// (an upstream may echo a key we never saw, e.g. one configured on the proxy).
const KEY_PATTERNS: readonly RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&](?:key|api_key|apikey)=)[^&\s"']+/gi,
  // The user info of a URL (`postgresql://user:password@db`), which an upstream may echo, e.g.
  // LiteLLM's readiness naming the database it cannot reach.
  // (Schemes are short; bounding it keeps this linear on long text.)
  /(\b[a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#"'<>]+(?=@)/gi,
];

/**
 * Removes secrets from text that came from outside (an upstream error body, an SDK message) before
 * it goes into one of our errors, events or logs. `secrets` are exact values to remove wherever
 * they appear; well-known key shapes are removed too.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6 && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(result)) {
      pattern.lastIndex = 0;
      result = result.replace(pattern, (match, prefix: unknown) =>
        typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
      );
    }
  }
  return result;
}

/** What is kept of a foreign error when it becomes the `cause` of one of ours. */
export interface ErrorSummary {
  readonly name: string;
  /** The message, secrets removed. */
  readonly message: string;
  /** A system or library code (`ECONNREFUSED`, `UND_ERR_SOCKET`), when there was one. */
  readonly code?: string;
}

/**
 * A plain summary of a foreign error (an SDK's, a fetch failure) to keep as `cause`: name, redacted
 * message and code. The error itself is not kept, because `util.inspect` prints an error's whole
 * `cause` chain and SDK errors carry upstream bodies and messages that may hold a key.
 */
export function summarizeError(
  error: unknown,
  secrets: readonly (string | undefined)[] = [],
  code?: string,
): ErrorSummary {
  const name = error instanceof Error ? error.name : typeof error;
  const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
  return Object.freeze(code === undefined ? { name, message } : { name, message, code });
}
