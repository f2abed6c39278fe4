import type { CliIo, KeyInput } from './cli-io.ts';
import { CliInterruptedError, CliUsageError } from './cli-usage-error.ts';
import { type HiddenLineState, typeHidden } from './hidden-line.ts';

/** No provider key is anywhere near this long; more is a file piped by mistake. */
const MAX_KEY_BYTES = 16 * 1024;

async function readPiped(stdin: KeyInput, command: string): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    bytes += buffer.length;
    if (bytes > MAX_KEY_BYTES)
      throw new CliUsageError({
        command,
        message: `standard input holds more than ${MAX_KEY_BYTES} bytes; pipe only the key.`,
      });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  return new Promise((resolve, reject) => {
    let state: HiddenLineState = { kind: 'typing', text: '' };
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.err('\n');
      if (state.kind === 'interrupted') reject(new CliInterruptedError());
      else resolve(state.text);
    };
    const onData = (chunk: string | Buffer) => {
      state = typeHidden(state, typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      if (state.kind !== 'typing') finish();
    };
    const onEnd = () => {
      if (state.kind === 'typing') state = { kind: 'done', text: state.text };
      finish();
    };
    // Raw mode turns the terminal's echo off: nothing typed is shown. It is on before the prompt
    // appears, so a key pasted the moment the prompt shows is not echoed either.
    stdin.setRawMode?.(true);
    io.err(prompt);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/**
 * Reads one API key: from standard input when it is piped (`printf %s "$KEY" | llm-router keys add …`),
 * else from a prompt on the terminal with echo off. Surrounding blanks and the final line break are
 * dropped. Never from the command line. The key is registered with `io.addSecret` at once, so no
 * output of the CLI can show it.
 *
 * @throws CliUsageError when no key came, it spans several lines, or it is implausibly long.
 * @throws CliInterruptedError on Ctrl-C at the prompt.
 */
export async function readApiKey(
  io: CliIo,
  options: { readonly prompt: string; readonly command: string },
): Promise<string> {
  const text = io.stdin.isTTY
    ? await readHidden(io, options.prompt)
    : await readPiped(io.stdin, options.command);
  const key = text.trim();
  io.addSecret(key);
  if (key === '')
    throw new CliUsageError({
      command: options.command,
      message: io.stdin.isTTY
        ? 'no key was typed; nothing was stored.'
        : 'no key on standard input: pipe it (printf %s "$KEY" | llm-router keys add …) or run in a terminal to be prompted.',
    });
  if (/[\r\n]/.test(key))
    throw new CliUsageError({
      command: options.command,
      message: 'standard input holds several lines; pipe exactly one key.',
    });
  return key;
}
