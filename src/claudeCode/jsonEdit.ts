// Edits to a JSON-with-comments file that change only the properties named, and keep every
// other byte as it was: comments, order, indentation, line endings (jsonc-parser computes the
// edits). Pure.
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';

export type JsonPath = readonly string[];

export type Parsed = { readonly ok: true; readonly value: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly problem: string };

/** The file's object, or why it is not one (it is then left alone). An empty file is an empty object. */
export function parseSettings(text: string): Parsed {
  if (text.trim() === '') return { ok: true, value: {} };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    const line = first ? text.slice(0, first.offset).split('\n').length : 1;
    return { ok: false, problem: `it is not valid JSON (${first ? printParseErrorCode(first.error) : 'empty'} on line ${line})` };
  }
  if (tree.type !== 'object') return { ok: false, problem: 'it does not hold a JSON object' };
  return { ok: true, value: getNodeValue(tree) as Record<string, unknown> };
}

/** The value at `path`, or undefined when the file has none there. */
export function valueAt(text: string, path: JsonPath): unknown {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const node = tree && findNodeAtLocation(tree, [...path]);
  return node ? getNodeValue(node) : undefined;
}

/** How the file indents and ends its lines, so new properties look like the ones around them. */
function formatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indented?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indented ? indented.length : 2, eol };
}

/** Sets (or, with undefined, removes) each property at its path; nothing else changes. */
export function setValues(text: string, changes: readonly { readonly path: JsonPath; readonly value: unknown }[]): string {
  const base = text.trim() === '' ? '{}\n' : text;
  const formattingOptions = formatting(base);
  let out = base;
  for (const change of changes) {
    if (valueAt(out, change.path) === change.value) continue;
    out = applyEdits(out, modify(out, [...change.path], change.value, { formattingOptions }));
  }
  return out;
}
