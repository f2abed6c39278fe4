import { describeValue } from '../errors/describe-value.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { isLimitScope } from './limit-scope.ts';

/**
 * Checks the `scopes` argument of `status()` and `headroom()`: an array of `<kind>:<id>` strings.
 * Throws `InvalidRequestError` naming `scopes` (or `scopes[i]`) and what to pass.
 */
export function checkScopes(scopes: unknown, method: string): readonly string[] {
  if (!Array.isArray(scopes)) {
    throw new InvalidRequestError({
      option: 'scopes',
      message: `${method} expects an array of scopes such as ["provider:openai", "user:alice"]; got ${describeValue(scopes)}.`,
    });
  }
  for (let index = 0; index < scopes.length; index++) {
    const scope: unknown = scopes[index];
    if (isLimitScope(scope)) continue;
    const got = typeof scope === 'string' ? 'a string without a "<kind>:" prefix' : describeValue(scope);
    throw new InvalidRequestError({
      option: `scopes[${index}]`,
      message: `expected a scope "<kind>:<id>" such as "provider:openai", "key:<keyId>" or "user:alice"; got ${got}.`,
    });
  }
  return scopes as readonly string[];
}
