import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.ts';

// The README is what outside users write handlers from: these checks hold it to the code, so a new
// error kind, error class, error field or event cannot ship undocumented (issue 10 item 11).

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const level = heading.indexOf(' ');
  const lines = readme.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`README has no "${heading}" section`);
  const end = lines.findIndex(
    (line, index) => index > start && /^#+ /.test(line) && line.indexOf(' ') <= level,
  );
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** Table rows of a section (header and separator left out), each as its cells. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

/** The `code` spans of a cell. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
}

const sourceFiles = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join(root, 'src', file));

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The string literals of a union type alias. */
function unionMembers(path: string, name: string): string[] {
  const file = parse(path);
  const alias = file.statements.find(
    (statement): statement is ts.TypeAliasDeclaration =>
      ts.isTypeAliasDeclaration(statement) && statement.name.text === name,
  );
  if (!alias || !ts.isUnionTypeNode(alias.type)) throw new Error(`${name} is not a union type in ${path}`);
  return alias.type.types.map((member) => {
    if (!ts.isLiteralTypeNode(member) || !ts.isStringLiteral(member.literal)) {
      throw new Error(`${name} has a member that is not a string literal`);
    }
    return member.literal.text;
  });
}

/** The property names of an interface. */
function interfaceKeys(path: string, name: string): string[] {
  const file = parse(path);
  const declaration = file.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === name,
  );
  if (!declaration) throw new Error(`no interface ${name} in ${path}`);
  return declaration.members.map((member) => {
    const key = member.name;
    if (!key || !(ts.isIdentifier(key) || ts.isStringLiteral(key))) throw new Error(`odd member in ${name}`);
    return key.text;
  });
}

/** The public readonly fields and getters a class declares itself. */
function declaredFields(name: string): string[] {
  for (const path of sourceFiles) {
    if (!readFileSync(path, 'utf8').includes(`export class ${name} `)) continue;
    const declaration = parse(path).statements.find(
      (statement): statement is ts.ClassDeclaration =>
        ts.isClassDeclaration(statement) && statement.name?.text === name,
    );
    if (!declaration) continue;
    const isPublic = (member: ts.ClassElement) =>
      !ts
        .getModifiers(member as ts.HasModifiers)
        ?.some(
          (modifier) =>
            modifier.kind === ts.SyntaxKind.PrivateKeyword ||
            modifier.kind === ts.SyntaxKind.ProtectedKeyword ||
            modifier.kind === ts.SyntaxKind.StaticKeyword,
        );
    return declaration.members
      .filter(
        (member) =>
          (ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) &&
          isPublic(member) &&
          member.name !== undefined &&
          ts.isIdentifier(member.name),
      )
      .map((member) => (member.name as ts.Identifier).text);
  }
  throw new Error(`no source declares class ${name}`);
}

const errorClasses = Object.entries(api)
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
  .map(([name]) => name)
  .sort();

describe('the README against the code', () => {
  it('starts Set-up with the install line', () => {
    expect(
      section('## Set-up').trimStart().startsWith('```sh\nnpm install @bestviable/llm-router\n```'),
    ).toBe(true);
  });

  it('lists every GatewayErrorKind in its kinds table, once, with when and whether it falls back', () => {
    const kinds = unionMembers(join(root, 'src/types/error-kinds.ts'), 'GatewayErrorKind');
    expect(kinds.length).toBeGreaterThan(10);
    const rows = tableRows(section('### Error kinds'));
    const documented = rows.map((cells) => codeSpans(cells[0] as string)[0]);
    expect([...documented].sort()).toEqual([...kinds].sort());
    for (const cells of rows) {
      expect(cells.length).toBe(5);
      expect((cells[1] as string).length).toBeGreaterThan(20); // when it happens
      expect(cells[3]).toMatch(/^(yes|\*\*no\*\*)/); // whether it falls back
    }
  });

  it('documents every error class exported from the package root, with its own fields', () => {
    expect(errorClasses).toContain('GatewayError');
    const rows = new Map(
      tableRows(section('### Errors')).map((cells) => [codeSpans(cells[0] as string)[0], cells]),
    );
    for (const name of errorClasses) {
      const cells = rows.get(name);
      expect(cells, `README errors table has no row for ${name}`).toBeDefined();
      const fields = codeSpans((cells as string[])[2] as string).map((span) => span.split(' ')[0]);
      for (const field of declaredFields(name)) {
        expect(fields, `README row of ${name} does not name its field ${field}`).toContain(field);
      }
    }
    // And nothing documented that the package does not export.
    for (const name of rows.keys()) expect(errorClasses).toContain(name);
  });

  it('lists every event of RouterEventMap in its events table, and no other', () => {
    const events = interfaceKeys(join(root, 'src/router/router-events.ts'), 'RouterEventMap');
    const documented = tableRows(section('## Events')).flatMap((cells) => codeSpans(cells[0] as string));
    expect([...documented].sort()).toEqual([...events].sort());
  });
});
