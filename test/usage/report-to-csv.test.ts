import { describe, expect, it } from 'vitest';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { escapeCsvField, reportToCsv } from '../../src/usage/report-to-csv.ts';
import { usageRecord } from './generate-records.ts';
import { parseCsv } from './parse-csv.ts';

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

  // OWASP "CSV injection": a spreadsheet may skip leading blanks and control characters, and some
  // (Excel with East Asian input) read full-width = + - @ as their ASCII forms (issue 16 item 21).
  it.each([
    ['a leading line feed', '\n=1+1', `"'\n=1+1"`],
    ['a leading space', ' =1+1', "' =1+1"],
    ['leading spaces and tabs', '  \t @SUM(A1)', "'  \t @SUM(A1)"],
    ['a no-break space', '\u00a0=1+1', "'\u00a0=1+1"],
    ['an ideographic space', '\u3000=1+1', "'\u3000=1+1"],
    ['a zero-width space', '\u200b=1+1', "'\u200b=1+1"],
    ['a byte order mark', '\ufeff+1', "'\ufeff+1"],
    ['a right-to-left override', '\u202e=1', "'\u202e=1"],
    ['a NUL', '\u0000=1', "'\u0000=1"],
    ['a vertical tab', '\u000b-1', "'\u000b-1"],
    ['a full-width equals sign', '\uff1d1+1', "'\uff1d1+1"],
    ['a full-width plus sign', '\uff0b1', "'\uff0b1"],
    ['a full-width hyphen-minus', '\uff0d1', "'\uff0d1"],
    ['a full-width commercial at', '\uff20SUM(A1)', "'\uff20SUM(A1)"],
    ['a small equals sign', '\ufe661', "'\ufe661"],
    ['a superscript equals sign', '\u207c1', "'\u207c1"],
    ['a small plus sign', '\ufe621', "'\ufe621"],
    ['a minus sign', '\u22121', "'\u22121"],
    ['a small hyphen-minus', '\ufe631', "'\ufe631"],
    ['a full-width space then a full-width equals', '\u3000\uff1d1', "'\u3000\uff1d1"],
  ])('defuses a formula behind %s', (_name, text, expected) => {
    expect(escapeCsvField(text)).toBe(expected);
  });

  it.each([
    ['text with an equals sign inside', 'a=b'],
    ['a full-width equals sign inside', 'a\uff1db'],
    ['a leading space before text', ' hello'],
    ['a zero-width space before text', '\u200bhello'],
    ['empty text', ''],
    ['an e-mail address', 'ada@example.com'],
  ])('leaves %s alone', (_name, text) => {
    expect(escapeCsvField(text)).toBe(text);
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
