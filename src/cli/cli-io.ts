/** Something text can be written to: `process.stdout`, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/** The streams of a terminal, as the key prompt needs them (`process.stdin`). */
export interface KeyInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Where a command reads and writes. Every write is passed through the secret filter first. */
export interface CliIo {
  /** Results: tables for people, JSON or CSV for scripts. */
  out(text: string): void;
  /** Errors, warnings, prompts. */
  err(text: string): void;
  readonly stdin: KeyInput;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Never prints `value` again: every later write shows `[redacted]` in its place. The CLI registers
   * each key it reads and each credential it takes from the environment; the package never prints
   * them, so this is a second guard, not the first.
   */
  addSecret(value: string): void;
}

/** Secrets shorter than this are not filtered: they would redact ordinary words. */
const MIN_SECRET_LENGTH = 8;
const REDACTED = '[redacted]';

/** Builds the `CliIo` of a process (or of a test) around its streams. */
export function createCliIo(streams: {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: KeyInput;
  readonly env: Readonly<Record<string, string | undefined>>;
}): CliIo {
  const secrets = new Set<string>();
  const filter = (text: string): string => {
    let filtered = text;
    for (const secret of secrets) filtered = filtered.replaceAll(secret, REDACTED);
    return filtered;
  };
  return {
    out: (text) => void streams.stdout.write(filter(text)),
    err: (text) => void streams.stderr.write(filter(text)),
    stdin: streams.stdin,
    env: streams.env,
    addSecret(value) {
      const trimmed = value.trim();
      if (trimmed.length >= MIN_SECRET_LENGTH) secrets.add(trimmed);
    },
  };
}
