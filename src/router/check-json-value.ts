/** Deepest nesting accepted in a JSON Schema passed with a call (`tools[].parameters`, `responseFormat.schema`). */
export const MAX_JSON_DEPTH = 64;

/** Longest array accepted in such a schema. */
export const MAX_JSON_ARRAY_LENGTH = 100_000;

/**
 * Why `value` cannot be sent as JSON, or `undefined` when it can: plain objects and arrays of
 * strings, finite numbers, booleans and null, nested at most `MAX_JSON_DEPTH` deep (which also
 * catches cycles). A property set to `undefined` is left out, as `JSON.stringify` does.
 *
 * Run on every call with tools, so it allocates nothing for a valid value: a recursive walk, no
 * serialisation.
 */
export function jsonProblem(value: unknown): string | undefined {
  try {
    return walk(value, 0);
  } catch {
    // A getter or a Proxy that throws, or a stack overflow: not data we can send.
    return 'could not be read as JSON data';
  }
}

function walk(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `holds ${value}, which JSON cannot carry`;
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_JSON_DEPTH)
        return `is nested more than ${MAX_JSON_DEPTH} levels deep (or refers to itself)`;
      if (Array.isArray(value)) {
        // A sparse array may claim 2^32 - 1 entries: refused before walking it.
        if (value.length > MAX_JSON_ARRAY_LENGTH)
          return `holds an array of more than ${MAX_JSON_ARRAY_LENGTH} entries`;
        for (let index = 0; index < value.length; index++) {
          const entry: unknown = value[index];
          if (entry === undefined) continue; // JSON.stringify writes null
          const problem = walk(entry, depth + 1);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null)
        return 'holds an object that is not plain data (a class instance such as a Date or Map)';
      for (const key in value) {
        const entry = (value as Record<string, unknown>)[key];
        if (entry === undefined) continue;
        const problem = walk(entry, depth + 1);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `holds a value of type ${typeof value}, which JSON cannot carry`;
  }
}
