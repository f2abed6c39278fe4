/** A strict RFC 4180 reader, to check that what we write reads back as the cells we meant. */
export function parseCsv(text: string): string[][] {
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
