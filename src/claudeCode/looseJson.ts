// Claude Code reads its settings as plain JSON: one comment, or one comma after the last entry of
// an object or list, anywhere in ~/.claude/settings.json, and it ignores the whole file ("Invalid
// or malformed JSON"), the user's hooks and permissions included. This finds those parts, takes
// them out when the user agrees, and can put them back.
//
// Each part taken out is remembered by the setting it was written next to (its path), never by
// its offset: the file is edited by others in between (the user, Claude Code, which rewrites the
// whole file with its own order and indentation), and a path still finds its place where an
// offset would not. Pure: text in, text out.
import { createHash } from 'node:crypto';
import { createScanner, findNodeAtLocation, getNodeValue, parseTree, type Node } from 'jsonc-parser';
import { looseProblem } from '../errors/settingsFile';
import { canonicalJson, sameJson, splitBom, TOKEN } from './jsonEdit';

export type Location = readonly (string | number)[];

/** Where a part goes back, beside which setting. */
export type Anchor =
  | { readonly at: 'top' }
  | { readonly at: 'bottom' }
  /** Before the entry at `path`. */
  | { readonly at: 'before'; readonly path: Location }
  /** On the line of the entry at `path`, after its value (and its comma). */
  | { readonly at: 'after'; readonly path: Location }
  /** Right after the opening brace or bracket of the object or list at `path`. */
  | { readonly at: 'open'; readonly path: Location }
  /** After the last entry of the object or list at `path`. */
  | { readonly at: 'end'; readonly path: Location };

/** A comment or a trailing comma, as it was written and where. */
export interface LoosePart {
  readonly kind: 'comment' | 'comma';
  /** The comment as written (with its // or its slash-star), or the comma. */
  readonly text: string;
  /** 1-based line it was on. */
  readonly line: number;
  /** line: alone on its line; end: at the end of a line after something; inline: followed by something. */
  readonly layout: 'line' | 'end' | 'inline';
  /** The spaces before it on its line. */
  readonly lead: string;
  /** Where it goes back, best first. */
  readonly anchors: readonly Anchor[];
}

interface Found extends LoosePart {
  readonly offset: number;
}

const isLineBreak = (c: string | undefined) => c === '\n' || c === '\r';
const isBlank = (s: string) => /^[ \t]*$/.test(s);

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
function lineEndOf(text: string, offset: number): number {
  const n = text.indexOf('\n', offset);
  const end = n < 0 ? text.length : n;
  return text[end - 1] === '\r' ? end - 1 : end;
}

function entries(container: Node): { key: string | number; node: Node; value: Node | undefined }[] {
  return (container.children ?? []).map((child, i) =>
    container.type === 'object' ? { key: String(child.children?.[0]?.value), node: child, value: child.children?.[1] } : { key: i, node: child, value: child },
  );
}

const isContainer = (n: Node | undefined): n is Node => n?.type === 'object' || n?.type === 'array';
const endOf = (n: Node) => n.offset + n.length;

/**
 * Where a part at `offset` goes back, best first: beside the setting it was written next to,
 * else (that setting is gone: one of this extension's, say) beside its nearest neighbours, else
 * at the end of its object, or of an object further out.
 */
function anchorsFor(text: string, root: Node, offset: number, layout: LoosePart['layout'], kind: LoosePart['kind']): Anchor[] {
  if (offset < root.offset) return [{ at: 'top' }];
  if (offset >= endOf(root)) return [{ at: 'bottom' }];
  let container = root;
  let path: Location = [];
  const outer: Anchor[] = [];
  for (;;) {
    const list = entries(container);
    const inside = list.find((e) => e.node.offset <= offset && offset < endOf(e.node));
    if (inside && isContainer(inside.value) && inside.value.offset < offset && offset < endOf(inside.value)) {
      outer.unshift({ at: 'before', path: [...path, inside.key] }, { at: 'end', path });
      container = inside.value;
      path = [...path, inside.key];
      continue;
    }
    if (kind === 'comma') return [{ at: 'end', path }];
    const prev = [...list].reverse().filter((e) => endOf(e.node) <= offset);
    const next = list.filter((e) => e.node.offset >= offset);
    const first: Anchor[] = [];
    if (inside) first.push({ at: 'before', path: [...path, inside.key] });
    else if (layout === 'end' && prev[0] && !text.slice(endOf(prev[0].node), offset).includes('\n')) first.push({ at: 'after', path: [...path, prev[0].key] });
    else if (layout === 'end' && !text.slice(container.offset, offset).includes('\n')) first.push({ at: 'open', path });
    else if (next.length === 0) first.push({ at: 'end', path });
    const near: Anchor[] = [...next.map((e): Anchor => ({ at: 'before', path: [...path, e.key] })), ...prev.map((e): Anchor => ({ at: 'after', path: [...path, e.key] }))];
    const last: Anchor = { at: 'end', path };
    return [...first, ...near.slice(0, 4), last, ...outer].slice(0, 8);
  }
}

/** Every comment and trailing comma, in the order they appear (none: Claude Code can read it). */
function find(text: string): Found[] {
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root) return [];
  const found: Found[] = [];
  const scanner = createScanner(text, false);
  let lastComma: number | undefined;
  for (let kind = scanner.scan(); kind !== TOKEN.end; kind = scanner.scan()) {
    const offset = scanner.getTokenOffset();
    if (kind === TOKEN.lineComment || kind === TOKEN.blockComment) {
      const comment = text.slice(offset, offset + scanner.getTokenLength());
      const lineStart = lineStartOf(text, offset);
      const before = text.slice(lineStart, offset);
      const after = text.slice(offset + comment.length, lineEndOf(text, offset + comment.length));
      const layout = isBlank(before) ? (isBlank(after) ? 'line' : 'inline') : isBlank(after) ? 'end' : 'inline';
      const lead = layout === 'inline' ? '' : /[ \t]*$/.exec(before)![0];
      found.push({ kind: 'comment', text: comment, line: lineOf(text, offset), layout, lead, offset, anchors: anchorsFor(text, root, offset, layout, 'comment') });
      continue;
    }
    if (kind === TOKEN.whitespace || kind === TOKEN.lineBreak) continue;
    if ((kind === TOKEN.closeBrace || kind === TOKEN.closeBracket) && lastComma !== undefined) {
      found.push({ kind: 'comma', text: ',', line: lineOf(text, lastComma), layout: 'end', lead: '', offset: lastComma, anchors: anchorsFor(text, root, lastComma, 'end', 'comma') });
    }
    lastComma = kind === TOKEN.comma ? offset : undefined;
  }
  return found;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** What in `text` Claude Code refuses, in words ("line 3 has a comment"), or undefined. */
export function strictProblem(raw: string): string | undefined {
  const { text } = splitBom(raw);
  const parts = find(text);
  if (parts.length > 0) return looseProblem(parts[0].kind, parts[0].line, parts.length - 1);
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return 'it is not plain JSON';
  }
}

/**
 * The comments and trailing commas of `text`, and the text without them, which Claude Code can
 * read; undefined when there is nothing to take out. A comment alone on its line goes with its
 * line; one after a setting goes with the spaces before it.
 */
export function makeReadable(text: string): { text: string; parts: LoosePart[] } | undefined {
  const found = find(text);
  if (found.length === 0) return undefined;
  const gone = new Uint8Array(text.length);
  const drop = (from: number, to: number) => gone.fill(1, Math.max(0, from), Math.min(text.length, to));
  for (const part of found) {
    const end = part.offset + part.text.length;
    if (part.kind === 'comma') drop(part.offset, end);
    else if (part.layout === 'line') {
      const lineStart = lineStartOf(text, part.offset);
      const n = text.indexOf('\n', end);
      // The whole line, with its line break (the last line: with the break before it).
      if (n >= 0) drop(lineStart, n + 1);
      else drop(lineStart > 0 ? lineStart - (text[lineStart - 2] === '\r' ? 2 : 1) : 0, text.length);
    } else if (part.layout === 'end') drop(part.offset - part.lead.length, lineEndOf(text, end));
    else drop(part.offset, end + (/^[ \t]*/.exec(text.slice(end))?.[0].length ?? 0));
  }
  let out = '';
  for (let i = 0; i < text.length; i++) if (!gone[i]) out += text[i];
  try {
    JSON.parse(out.trim() === '' ? '{}' : out);
  } catch {
    return undefined;
  }
  return { text: out, parts: found.map(({ offset: _offset, ...part }) => part) };
}

/** A fingerprint of the settings in `text`, whatever their order or formatting. */
export function settingsFingerprint(text: string): string {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const { env, ...settings } = (tree ? getNodeValue(tree) : {}) as Record<string, unknown>;
  // An empty env sets nothing: the same settings as none (one kept for a comment in it, say).
  const same = typeof env === 'object' && env !== null && Object.keys(env).length === 0 ? settings : { env, ...settings };
  return createHash('sha256')
    .update(canonicalJson(same) ?? '')
    .digest('hex');
}

/** The entry's node at `path` (its name and value, in an object), or undefined. */
function entryAt(root: Node, path: Location): Node | undefined {
  const value = findNodeAtLocation(root, [...path]);
  return value?.parent?.type === 'property' ? value.parent : value;
}

/**
 * `text` with each part back beside the setting it was written next to; undefined when one of
 * those settings is gone, or the result would hold other settings than `text` does.
 */
export function putBack(text: string, parts: readonly LoosePart[]): string | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root || root.type !== 'object') return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indentAt = (offset: number) => /^[ \t]*/.exec(text.slice(lineStartOf(text, offset)))![0];
  const inserts: { offset: number; text: string; rank: number }[] = [];
  for (const [i, part] of parts.entries()) {
    const at = part.anchors.reduce<{ offset: number; text: string } | undefined>((found, anchor) => found ?? place(part, anchor), undefined);
    // A comma carries nothing: where its object is gone, it is not needed either.
    if (at === undefined && part.kind === 'comment') return undefined;
    if (at) inserts.push({ ...at, rank: part.kind === 'comma' ? -1 : i });
  }
  function place(part: LoosePart, a: Anchor): { offset: number; text: string } | undefined {
    const lineComment = part.text.startsWith('//');
    // What follows the part where it lands: a line comment must end its line.
    const closing = (offset: number) => (lineComment && !isBlank(text.slice(offset, lineEndOf(text, offset))) ? eol + indentAt(offset) : '');
    if (a.at === 'top') return { offset: 0, text: part.layout === 'line' || lineComment ? part.lead + part.text + eol : part.text + ' ' };
    if (a.at === 'bottom') {
      const end = endOf(root!);
      if (part.layout === 'end') return { offset: end, text: part.lead + part.text };
      return { offset: text.length, text: (isLineBreak(text[text.length - 1]) ? '' : eol) + part.lead + part.text + (part.layout === 'line' && isLineBreak(text[text.length - 1]) ? eol : '') };
    }
    const node = a.at === 'open' || a.at === 'end' ? (a.path.length ? findNodeAtLocation(root!, [...a.path]) : root) : entryAt(root!, a.path);
    if (!node) return undefined;
    if (a.at === 'before') {
      const lineStart = lineStartOf(text, node.offset);
      // Indented as the setting it stands before is now (Claude Code may have indented the file anew).
      if (part.layout !== 'inline' && isBlank(text.slice(lineStart, node.offset))) return { offset: lineStart, text: indentAt(node.offset) + part.text + eol };
      return { offset: node.offset, text: part.text + (lineComment ? eol + indentAt(node.offset) : ' ') };
    }
    if (a.at === 'after') {
      let offset = endOf(node);
      const next = offset + (/^[ \t]*/.exec(text.slice(offset))?.[0].length ?? 0);
      if (text[next] === ',') offset = next + 1;
      return { offset, text: (part.lead || ' ') + part.text + closing(offset) };
    }
    if (!isContainer(node)) return undefined;
    if (a.at === 'open') return { offset: node.offset + 1, text: (part.lead || ' ') + part.text + closing(node.offset + 1) };
    const kids = node.children ?? [];
    if (part.kind === 'comma') return kids.length ? { offset: endOf(kids[kids.length - 1]), text: ',' } : undefined;
    const close = endOf(node) - 1;
    const lineStart = lineStartOf(text, close);
    const indent = kids.length ? indentAt(kids[kids.length - 1].offset) : part.lead;
    if (part.layout === 'line' && isBlank(text.slice(lineStart, close))) return { offset: lineStart, text: indent + part.text + eol };
    return { offset: close, text: ' ' + part.text + (lineComment ? eol + indentAt(close) : ' ') };
  }
  inserts.sort((x, y) => y.offset - x.offset || y.rank - x.rank);
  let out = text;
  for (const insert of inserts) out = out.slice(0, insert.offset) + insert.text + out.slice(insert.offset);
  const before = parseTree(text, [], { allowTrailingComma: true });
  const after = parseTree(out, [], { allowTrailingComma: true });
  return after && before && sameJson(getNodeValue(after), getNodeValue(before)) ? out : undefined;
}
