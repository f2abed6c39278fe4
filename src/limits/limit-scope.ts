/**
 * What a limit applies to, as `<kind>:<id>`: `provider:openai`, `key:<keyId>`, `user:<userId>`,
 * or any other kind the caller counts by (`gateway:litellm`, `team:research`). `<kind>:*` sets
 * default limits for every scope of that kind that has none of its own.
 */
export type LimitScope = `${string}:${string}`;

/** The kinds of scope the router counts a call against. */
export type LimitScopeKind = 'provider' | 'key' | 'user';

const SCOPE_PATTERN = /^[a-z][a-z0-9-]*:.+$/;

/**
 * Builds a scope key.
 *
 * @example
 * limitScope('provider', 'openai'); // 'provider:openai'
 * limitScope('user', '*');          // default limits for every user
 */
export function limitScope(kind: LimitScopeKind | (string & {}), id: string): LimitScope {
  return `${kind}:${id}`;
}

/** True for `<kind>:<id>` with a lower-case kind and a non-empty id. */
export function isLimitScope(value: unknown): value is LimitScope {
  return typeof value === 'string' && SCOPE_PATTERN.test(value);
}

/** The wildcard scope whose limits apply to `scope` when it has none of its own: `user:*` for `user:alice`. */
export function wildcardOf(scope: string): string | undefined {
  const colon = scope.indexOf(':');
  return colon > 0 ? `${scope.slice(0, colon)}:*` : undefined;
}
