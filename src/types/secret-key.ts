const REDACTED = '[redacted]';

/**
 * A provider API key that cannot leak by accident. `toString()`, template literals, `JSON.stringify`,
 * `util.inspect` and `console.log` all show `[redacted]`; only `reveal()` returns the key. The value
 * lives in a private field, so `Object.keys`, spreading and structured cloning do not copy it.
 *
 * @example
 * const key = new SecretKey(process.env.OPENAI_API_KEY ?? '');
 * console.log(`${key}`);          // [redacted]
 * headers.authorization = `Bearer ${key.reveal()}`;
 */
export class SecretKey {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('SecretKey: expected the key as a string.');
    this.#value = value;
  }

  /** The key itself. Call it only where the key must go on the wire. */
  reveal(): string {
    return this.#value;
  }

  /** Number of characters, for validation messages that must not show the key. */
  get length(): number {
    return this.#value.length;
  }

  /**
   * The last four characters, shown to users so they can tell their keys apart. Keys shorter than
   * 16 characters show nothing: four characters would be too large a share of them.
   */
  get last4(): string {
    return this.#value.length >= 16 ? this.#value.slice(-4) : '';
  }

  /** True when both hold the same key. */
  equals(other: SecretKey): boolean {
    return other instanceof SecretKey && other.#value === this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SecretKey(${REDACTED})`;
  }
}
