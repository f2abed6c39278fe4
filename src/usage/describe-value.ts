import { redactSecrets } from '../errors/redact.ts';

const MAX_TEXT_LENGTH = 60;

function quote(text: string): string {
  const cut = text.length > MAX_TEXT_LENGTH;
  // JSON.stringify of a string never throws (lone surrogates are escaped).
  const shown = JSON.stringify(redactSecrets(cut ? text.slice(0, MAX_TEXT_LENGTH) : text));
  return cut ? `${shown}…` : shown;
}

function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint': {
      const digits = value.toString();
      return digits.length > 30 ? `a ${digits.length}-digit BigInt` : `${digits}n`;
    }
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return `Symbol(${(value.description ?? '').slice(0, MAX_TEXT_LENGTH)})`;
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      // Array.isArray and `length` can run Proxy traps; any throw is caught by the caller.
      if (Array.isArray(value)) return `an array of ${Number((value as unknown[]).length)} item(s)`;
      return 'an object';
  }
}

/**
 * A short description of any value for an error message (`"team"`, `10n`, `Symbol(day)`,
 * `an object`, `an array of 2 item(s)`). Never throws and never runs the value's own code
 * (`toString`, `toJSON`, getters); Proxy traps that throw are caught. Text is cut to 60 characters
 * and stripped of anything shaped like a key.
 */
export function describeValue(value: unknown): string {
  try {
    return describe(value);
  } catch {
    return 'a value that cannot be read';
  }
}

/**
 * What a foreign error said, for an error message: its name and first 60 characters, secrets
 * removed. Never throws (an error whose `message` getter throws is described as such).
 */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) {
      const name = typeof error.name === 'string' ? error.name.slice(0, 40) : 'Error';
      const message = typeof error.message === 'string' ? error.message : '';
      const cut = message.length > MAX_TEXT_LENGTH ? `${message.slice(0, MAX_TEXT_LENGTH)}…` : message;
      return `${name}: ${redactSecrets(cut)}`;
    }
    return describe(error);
  } catch {
    return 'an error that cannot be read';
  }
}
