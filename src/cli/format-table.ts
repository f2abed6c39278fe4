/** A column of a table for people. */
export interface Column {
  readonly header: string;
  /** Numbers line up on the right. @default 'left' */
  readonly align?: 'left' | 'right';
}

/** C0 and C1 controls, DEL, and the bidi overrides and isolates that can reorder what a terminal shows. */
function unsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Text from a store or a gateway made safe to print in a terminal: control characters (escape
 * sequences that could rewrite the screen, line breaks that would fake rows) are shown escaped.
 */
export function printable(text: string): string {
  let out = '';
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    out += unsafe(code) ? `\\u${code.toString(16).padStart(4, '0')}` : character;
  }
  return out;
}

/**
 * Rows as aligned columns, two spaces apart, headers first; every cell made `printable`. No
 * dependency: widths are counted in code points, which is right for the ids, names and figures shown.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = [columns.map((column) => column.header), ...rows.map((row) => row.map(printable))];
  const widths = columns.map((_, index) => Math.max(...cells.map((row) => [...(row[index] ?? '')].length)));
  const lines = cells.map((row) =>
    columns
      .map((column, index) => {
        const cell = row[index] ?? '';
        const pad = ' '.repeat((widths[index] ?? 0) - [...cell].length);
        return column.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** USD with at least four significant digits and no exponent: `0.0015`, `12.3400`, `0.00000125`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '0';
  if (usd >= 0.01) return usd.toFixed(4);
  const decimals = Math.min(12, 3 - Math.floor(Math.log10(usd)));
  return usd.toFixed(decimals);
}

/** USD per token as USD per million tokens, the unit price lists use. */
export function perMillion(usdPerToken: number | undefined): string {
  if (usdPerToken === undefined) return '-';
  return String(Number((usdPerToken * 1_000_000).toPrecision(6)));
}

/** A time (ms since the epoch) as ISO 8601 UTC to the second; `-` when absent. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A whole number with thousands separators for tables: `1,234,567`. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
}
