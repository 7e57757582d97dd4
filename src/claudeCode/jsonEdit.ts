// Edits to a JSON-with-comments file that change only the properties named, and keep every
// other byte as it was: comments, order, indentation, line endings (jsonc-parser computes the
// edits). A byte order mark, which Claude Code reads past, is kept and never in the way. Pure.
import { applyEdits, createScanner, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type ParseError, type SyntaxKind } from 'jsonc-parser';
import { jsonProblem, type Place } from '../errors/settingsFile';

export type JsonPath = readonly string[];

export type Parsed = { readonly ok: true; readonly value: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly problem: string };

const BOM = '\ufeff';

/** jsonc-parser's token kinds (a const enum, which this build cannot import by name). */
export const TOKEN = {
  closeBrace: 2 as SyntaxKind,
  closeBracket: 4 as SyntaxKind,
  comma: 5 as SyntaxKind,
  lineComment: 12 as SyntaxKind,
  blockComment: 13 as SyntaxKind,
  lineBreak: 14 as SyntaxKind,
  whitespace: 15 as SyntaxKind,
  end: 17 as SyntaxKind,
} as const;

/** The text without a leading byte order mark, and whether it had one. */
export function splitBom(text: string): { text: string; bom: string } {
  return text.startsWith(BOM) ? { text: text.slice(1), bom: BOM } : { text, bom: '' };
}

/** 1-based line and column of `offset`. */
export function placeOf(text: string, offset: number): Place {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** The end of the last token before `offset` that is not whitespace or a comment. */
function lastTokenEnd(text: string, offset: number): number {
  const scanner = createScanner(text, true);
  let end = 0;
  for (let kind = scanner.scan(); kind !== TOKEN.end && scanner.getTokenOffset() < offset; kind = scanner.scan()) {
    end = scanner.getTokenOffset() + scanner.getTokenLength();
  }
  return end;
}

/** The first parse error in words, at the place a reader would look for it. */
function problemAt(text: string, error: ParseError): string {
  const name = printParseErrorCode(error.error);
  if (name === 'CommaExpected') {
    // Noticed at the next entry; the comma belongs after the previous one.
    const end = lastTokenEnd(text, error.offset);
    if (end > 0 && placeOf(text, end).line < placeOf(text, error.offset).line) return jsonProblem(name, placeOf(text, end), true);
  }
  return jsonProblem(name, placeOf(text, error.offset));
}

/** The file's object, or why it is not one (it is then left alone). An empty file is an empty object. */
export function parseSettings(raw: string): Parsed {
  const { text } = splitBom(raw);
  if (text.trim() === '') return { ok: true, value: {} };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !tree) return { ok: false, problem: `it is not valid JSON: ${errors[0] ? problemAt(text, errors[0]) : 'it holds nothing'}` };
  if (tree.type !== 'object') return { ok: false, problem: 'it does not hold a JSON object' };
  return { ok: true, value: getNodeValue(tree) as Record<string, unknown> };
}

/** The value at `path`, or undefined when the file has none there. */
export function valueAt(raw: string, path: JsonPath): unknown {
  const tree = parseTree(splitBom(raw).text, [], { allowTrailingComma: true });
  const node = tree && findNodeAtLocation(tree, [...path]);
  return node ? getNodeValue(node) : undefined;
}

/** JSON with every object's keys in order: the same text for the same settings, however written. */
export function canonicalJson(value: unknown): string | undefined {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v;
  return JSON.stringify(sorted(value));
}

/** The same JSON value (objects of any prototype, keys in any order; undefined only equals undefined). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `path` can be set: every level above it is an object, or not there yet. */
export function canSet(text: string, path: JsonPath): boolean {
  for (let i = 1; i < path.length; i++) {
    const above = valueAt(text, path.slice(0, i));
    if (above !== undefined && !isPlainObject(above)) return false;
  }
  return true;
}

/** How the file indents and ends its lines, so new properties look like the ones around them. */
function formatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indented?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indented ? indented.length : 2, eol };
}

/**
 * `text` without the property at `path` and one comma beside it. Unlike jsonc-parser's removal,
 * which takes everything between the neighbours, comments around the property stay; a line left
 * empty goes, and an object left empty closes up.
 */
function removeProperty(text: string, path: JsonPath): string {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const value = tree && findNodeAtLocation(tree, [...path]);
  const property = value?.parent;
  const object = property?.parent;
  if (!property || property.type !== 'property' || !object?.children) return text;
  const at = object.children.indexOf(property);
  const comma = (from: number) => {
    const scanner = createScanner(text, true);
    scanner.setPosition(from);
    return scanner.scan() === TOKEN.comma ? scanner.getTokenOffset() : undefined;
  };
  const cuts: [number, number][] = [[property.offset, property.offset + property.length]];
  const after = comma(property.offset + property.length);
  if (after !== undefined && at < object.children.length - 1) cuts[0][1] = after + 1;
  else if (at > 0) {
    const before = comma(object.children[at - 1].offset + object.children[at - 1].length);
    if (before !== undefined) cuts.unshift([before, before + 1]);
  } else if (after !== undefined) cuts[0][1] = after + 1;
  let out = text;
  for (const [from, to] of [...cuts].reverse()) out = out.slice(0, from) + out.slice(to);
  // The property's line, when nothing else is left on it.
  const pos = property.offset - cuts.filter(([from]) => from < property.offset).reduce((n, [from, to]) => n + to - from, 0);
  const lineStart = out.lastIndexOf('\n', pos - 1) + 1;
  const rest = /^[ \t]*(\r?\n)?/.exec(out.slice(pos))!;
  if (/^[ \t]*$/.test(out.slice(lineStart, pos))) {
    // Nothing left on the line: it goes; a comment left on it keeps the line's indentation.
    const spaces = /^[ \t]*/.exec(out.slice(pos))![0].length;
    out = rest[1] || pos + rest[0].length === out.length ? out.slice(0, lineStart) + out.slice(pos + rest[0].length) : out.slice(0, pos) + out.slice(pos + spaces);
  }
  const inside = /^\{\s*\}/.exec(out.slice(object.offset));
  return inside ? out.slice(0, object.offset) + '{}' + out.slice(object.offset + inside[0].length) : out;
}

/** True when the value at `path` holds a comment somewhere inside it. */
export function hasComment(raw: string, path: JsonPath): boolean {
  const { text } = splitBom(raw);
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const node = tree && findNodeAtLocation(tree, [...path]);
  if (!node) return false;
  const scanner = createScanner(text.slice(node.offset, node.offset + node.length), false);
  for (let kind = scanner.scan(); kind !== TOKEN.end; kind = scanner.scan()) if (kind === TOKEN.lineComment || kind === TOKEN.blockComment) return true;
  return false;
}

/** The name of the property before the one at `path` in its object (null: it is the first), or undefined when it is not there. */
export function propertyBefore(text: string, path: JsonPath): string | null | undefined {
  const above = valueAt(text, path.slice(0, -1));
  if (!isPlainObject(above)) return undefined;
  const names = Object.keys(above);
  const at = names.indexOf(path[path.length - 1]);
  return at < 0 ? undefined : at === 0 ? null : names[at - 1];
}

/**
 * Sets (or, with undefined, removes) each property at its path; nothing else changes. A new
 * property goes after the one named `after` (null: first) where that is still there, else last.
 */
export function setValues(raw: string, changes: readonly { readonly path: JsonPath; readonly value: unknown; readonly after?: string | null }[]): string {
  const { text, bom } = splitBom(raw);
  const base = text.trim() === '' ? '{}\n' : text;
  const formattingOptions = formatting(base);
  let out = base;
  for (const change of changes) {
    if (valueAt(out, change.path) === change.value) continue;
    if (change.value === undefined) {
      out = removeProperty(out, change.path);
      continue;
    }
    const after = change.after;
    const getInsertionIndex = after === undefined ? undefined : (names: string[]) => (after === null ? 0 : names.includes(after) ? names.indexOf(after) + 1 : names.length);
    out = applyEdits(out, modify(out, [...change.path], change.value, { formattingOptions, getInsertionIndex }));
  }
  return bom + out;
}
