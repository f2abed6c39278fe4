import { describe, expect, it } from 'vitest';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { escapeCsvField, reportToCsv } from '../../src/usage/report-to-csv.ts';
import { usageRecord } from './generate-records.ts';

/** A strict RFC 4180 reader, to check that what we write reads back as the cells we meant. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted field at ${index}`);
      quoted = true;
    } else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else if (char === '\n' || char === '\r') throw new Error(`bare line break at ${index}`);
    else cell += char;
  }
  if (quoted || cell !== '' || row.length > 0) throw new Error('unterminated last line');
  return rows;
}

describe('CSV export', () => {
  it('escapes quotes, commas and line breaks per RFC 4180', () => {
    expect(escapeCsvField('plain')).toBe('plain');
    expect(escapeCsvField('a,b')).toBe('"a,b"');
    expect(escapeCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(escapeCsvField('two\nlines')).toBe('"two\nlines"');
    expect(escapeCsvField('cr\rlf')).toBe('"cr\rlf"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(escapeCsvField('=1+1')).toBe("'=1+1");
    expect(escapeCsvField('+41 79')).toBe("'+41 79");
    expect(escapeCsvField('-2')).toBe("'-2");
    expect(escapeCsvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeCsvField('\t=cmd')).toBe("'\t=cmd");
    expect(escapeCsvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(escapeCsvField('a=b')).toBe('a=b'); // only the first character matters
  });

  it('writes a header, one line per group, a total line, and reads back to the same cells', () => {
    const nasty = ["=cmd|' /C calc'!A0", 'Smith, "Jo"\nline 2', '@admin', ''];
    const records = [
      usageRecord({ callId: 'a', user: nasty[0], tags: ['a,b'], costUsd: 0.5, latencyMs: 100 }),
      usageRecord({
        callId: 'b',
        user: nasty[1],
        tags: ['-x'],
        costUsd: 0.25,
        latencyMs: 200,
        status: 'error',
      }),
      usageRecord({ callId: 'c', user: nasty[2], tags: [], costUsd: 1e-9, latencyMs: 301 }),
      usageRecord({ callId: 'd', user: undefined, tags: [], costUsd: 0, latencyMs: 50, fallback: true }),
    ];
    const csv = reportToCsv(buildUsageReport(records, { groupBy: ['user', 'tag'] }));
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([
      'row',
      'user',
      'tag',
      'requests',
      'failures',
      'inputTokens',
      'outputTokens',
      'cachedInputTokens',
      'costUsd',
      'avgLatencyMs',
      'p95LatencyMs',
      'fallbacks',
    ]);
    expect(rows.slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['group', "'=cmd|' /C calc'!A0", 'a,b'],
      ['group', "'@admin", ''],
      ['group', 'Smith, "Jo"\nline 2', "'-x"],
      ['group', '', ''],
      ['total', '', ''],
    ]);
    expect(rows[1]?.slice(3)).toEqual(['1', '0', '100', '20', '0', '0.500000000', '100', '100', '0']);
    expect(rows[2]?.[8]).toBe('0.000000001');
    expect(rows[5]).toEqual([
      'total',
      '',
      '',
      '4',
      '1',
      '400',
      '80',
      '0',
      '0.750000001',
      '162.75',
      '301',
      '1',
    ]);
    // Every line has the same number of cells.
    expect(new Set(rows.map((row) => row.length))).toEqual(new Set([12]));
  });
});
