// What connecting Claude Code changes in its user settings, what already there would win over
// this sign-in (conflicts), and how Disconnect takes it out again. Pure: text in, text out.
//
// The extension owns a few keys of Claude Code's settings: the Bedrock variables in `env`
// (BEDROCK_VARIABLE_NAMES), and the helpers `awsCredentialExport`, `awsAuthRefresh` and
// `otelHeadersHelper`, the `statusLine` when the user chose it, plus the conflicts the user
// ticked for removal. The undo is key by key,
// never a copy of the file: the user and Claude Code itself keep writing to the file while it is
// connected (permissions, hooks, plugins; Claude Code rewrites the whole file when it does), and
// all of that stays. For each key the record keeps what the extension last wrote there and the
// value that write replaced. Disconnect puts the replaced value back where the key still holds
// what was written; a key that holds something else was changed since, and stays as it is.
import { BEDROCK_VARIABLE_NAMES } from '../terminal/variables';
import { canSet, hasComment, isPlainObject, parseSettings, propertyBefore, sameJson, setValues, splitBom, valueAt, type JsonPath } from './jsonEdit';
import { makeReadable, putBack, settingsFingerprint, strictProblem, type LoosePart } from './looseJson';

export const HELPER_KEYS = ['awsCredentialExport', 'awsAuthRefresh', 'otelHeadersHelper'] as const;
export type HelperKey = (typeof HELPER_KEYS)[number];

/**
 * Claude Code's status line setting, and the id of its box in the consent view. Connect offers
 * it only where the file has none, writes it only when the box is ticked, and follow-ups rewrite
 * it only while it still holds what the extension wrote: the undo record owning the key is what
 * remembers the choice (no key there: not chosen, and never asked again by a follow-up).
 */
export const STATUS_LINE = 'statusLine';

/** What Claude Code's settings should hold of ours. */
export interface Desired {
  readonly env: Readonly<Record<string, string>>;
  readonly helpers: Readonly<Record<HelperKey, string | undefined>>;
  /** The command of the helper's status line (undefined: none). */
  readonly statusLine: string | undefined;
  /** What the /model picker offers and the versions routed to application profiles (empty: not set). */
  readonly policy?: { readonly availableModels: readonly string[]; readonly modelOverrides: Readonly<Record<string, string>> };
}

/** The status line setting Claude Code runs `command` for. */
export function statusLineSetting(command: string): { type: 'command'; command: string; padding: number } {
  return { type: 'command', command, padding: 0 };
}

/**
 * A key the extension changed: what its last write replaced (absent: no `before`; `after`: the
 * property it followed, where it was removed, so it comes back in its place) and what it wrote.
 */
export interface OwnedKey {
  readonly path: JsonPath;
  readonly before?: { readonly value: unknown; readonly after?: string | null };
  readonly wrote: unknown;
}

/**
 * How to undo a Connect, key by key. Kept in SecretStorage (a replaced value or a comment may be
 * private). Version 1 also held the file's whole text, which is no longer used (undoRecord).
 */
export interface UndoRecord {
  readonly version: 2;
  readonly file: string;
  readonly keys: readonly OwnedKey[];
  /** `env` did not exist before Connect. */
  readonly createdEnv: boolean;
  /** How the file was before Connect when it held no settings: none at all, or an empty file. */
  readonly startedEmpty?: 'noFile' | 'blank';
  /** What Connect took out so Claude Code can read the file, and a fingerprint of its settings then. */
  readonly madeReadable?: { readonly parts: readonly LoosePart[]; readonly settings: string };
}

export interface Change {
  readonly path: JsonPath;
  readonly before: unknown;
  readonly after: unknown;
}

/** Something in Claude Code's settings that would win over the sign-in; `fix` removes it. */
export interface Conflict {
  readonly id: string;
  readonly paths: readonly JsonPath[];
  /** What it is and why it matters, in words (no secret values). */
  readonly why: string;
}

export interface Plan {
  readonly file: string;
  /** Why the file cannot be changed (not JSON): it is left alone. */
  readonly problem?: string;
  readonly changes: readonly Change[];
  readonly conflicts: readonly Conflict[];
  /** The file holds the AWS guidance's credential helpers, which Connect replaces. */
  readonly replacesGuidance: boolean;
  /** The status line Connect offers (the file has none): written only when chosen (STATUS_LINE among the ids). */
  readonly statusLine?: Change;
  /** Claude Code cannot read the file as it is: why, and what Connect takes out (with consent). */
  readonly unreadable?: { readonly why: string; readonly parts: readonly LoosePart[] };
}

/** AWS keys of their own in Claude Code's settings: they would win over the sign-in. */
export const AWS_KEY_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/** Every path the extension may own, with the value it wants there (undefined: none). */
export function wanted(desired: Desired): { path: JsonPath; value: unknown }[] {
  const models = desired.policy?.availableModels ?? [];
  const overrides = desired.policy?.modelOverrides ?? {};
  return [
    ...BEDROCK_VARIABLE_NAMES.map((name) => ({ path: ['env', name], value: desired.env[name] })),
    ...HELPER_KEYS.map((key) => ({ path: [key], value: desired.helpers[key] })),
    { path: ['availableModels'], value: models.length > 0 ? models : undefined },
    { path: ['modelOverrides'], value: Object.keys(overrides).length > 0 ? overrides : undefined },
  ];
}

/** True for a command of the AWS guidance's installer (its credential-process, or ccwb). */
export function isGuidanceCommand(value: unknown): boolean {
  return typeof value === 'string' && /credential-process|ccwb/.test(value);
}

/** A stored record of either version, as this version undoes it (undefined: not a record). */
export function undoRecord(stored: unknown): UndoRecord | undefined {
  const r = stored as (Partial<UndoRecord> & { version?: number; originalText?: string | null }) | undefined;
  if (!r || typeof r.file !== 'string' || !Array.isArray(r.keys)) return undefined;
  if (r.version === 2) return r as UndoRecord;
  // Version 1 kept the file as Connect found it: only whether there was one still matters.
  const startedEmpty = r.originalText === null ? 'noFile' : r.originalText?.trim() === '' ? 'blank' : undefined;
  return { version: 2, file: r.file, keys: r.keys, createdEnv: r.createdEnv === true, ...(startedEmpty ? { startedEmpty } : {}) };
}

/**
 * What connecting (or following a change of the settings, with `record`) changes in a file
 * holding `text` (undefined: no file yet).
 */
export function planSettings(input: { file: string; text: string | undefined; desired: Desired; record?: UndoRecord; guidanceProfiles?: readonly string[] }): Plan {
  const { text } = splitBom(input.text ?? '');
  const parsed = parseSettings(text);
  const base = { file: input.file, changes: [], conflicts: [], replacesGuidance: false };
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  if (parsed.value.env !== undefined && !isPlainObject(parsed.value.env)) return { ...base, problem: 'its "env" is not an object of variables, as Claude Code expects' };
  const ours = new Set((input.record?.keys ?? []).map((k) => k.path.join('.')));
  const changes: Change[] = [];
  for (const { path, value } of wanted(input.desired)) {
    const before = valueAt(text, path);
    // Something not ours that we do not want either is the user's: left alone.
    if (value === undefined && !ours.has(path.join('.'))) continue;
    if (!(before === value || (before !== undefined && value !== undefined && sameJson(before, value)))) changes.push({ path, before, after: value });
  }
  const statusLine = statusLineStep(text, input.desired, input.record);
  if (statusLine.change) changes.push(statusLine.change);
  const env = (parsed.value.env ?? {}) as Record<string, unknown>;
  const conflicts: Conflict[] = [];
  if (typeof env.AWS_PROFILE === 'string') {
    const guidance = input.guidanceProfiles?.includes(env.AWS_PROFILE);
    conflicts.push({
      id: 'profile',
      paths: [['env', 'AWS_PROFILE']],
      why: `Claude Code's settings set AWS_PROFILE to "${env.AWS_PROFILE}"${guidance ? ', a profile whose keys come from a credential_process (the AWS guidance\'s)' : ''}: Claude Code and the AWS tools it starts would use that profile.`,
    });
  }
  const keys = AWS_KEY_NAMES.filter((name) => env[name] !== undefined);
  if (keys.length > 0) {
    conflicts.push({
      id: 'keys',
      paths: keys.map((name) => ['env', name]),
      why: `Claude Code's settings hold AWS keys of their own (${keys.join(', ')}): they would be used instead of your sign-in.`,
    });
  }
  // A Bedrock API key (Claude Code's /setup-bedrock offers one) is used before any AWS keys.
  if (env.AWS_BEARER_TOKEN_BEDROCK !== undefined) {
    conflicts.push({
      id: 'apiKey',
      paths: [['env', 'AWS_BEARER_TOKEN_BEDROCK']],
      why: "Claude Code's settings hold a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK, as Claude Code's /setup-bedrock writes it): Claude Code would use it instead of your sign-in.",
    });
  }
  const replacesGuidance = HELPER_KEYS.some((key) => isGuidanceCommand(parsed.value[key]));
  const why = strictProblem(text);
  const readable = why ? makeReadable(text) : undefined;
  if (why && !readable) return { ...base, problem: `Claude Code cannot read it: ${why}` };
  return { ...base, changes, conflicts, replacesGuidance, ...(statusLine.offer ? { statusLine: statusLine.offer } : {}), ...(why && readable ? { unreadable: { why, parts: readable.parts } } : {}) };
}

/**
 * The status line: rewritten (`change`) while it holds what the extension wrote, offered
 * (`offer`) where the file has none; a status line of the user's is never touched.
 */
function statusLineStep(text: string, desired: Desired, record: UndoRecord | undefined): { change?: Change; offer?: Change } {
  const path = [STATUS_LINE];
  const before = valueAt(text, path);
  const after = desired.statusLine === undefined ? undefined : statusLineSetting(desired.statusLine);
  const owned = record?.keys.find((k) => k.path.join('.') === STATUS_LINE);
  if (owned && before !== undefined && sameJson(before, owned.wrote)) return sameJson(before, after) ? {} : { change: { path, before, after } };
  return before === undefined && after !== undefined ? { offer: { path, before, after } } : {};
}

/** What a write to `path` in `text` replaces: the value, and (when the write removes it) where it stood. */
function replaced(text: string, path: JsonPath, removing: boolean): Pick<OwnedKey, 'before'> {
  const value = valueAt(text, path);
  if (value === undefined) return {};
  const after = removing ? propertyBefore(text, path) : undefined;
  return { before: after === undefined ? { value } : { value, after } };
}

/**
 * The file after a plan, with the choices ticked in the consent view (`chosen`: the ids of the
 * conflicts to remove, and STATUS_LINE for the status line offered) and, with `makeReadable`, the
 * parts Claude Code cannot read taken out), and what to remember to undo it. A key written
 * again keeps the value its first write replaced, unless someone else changed it in between:
 * then that value is the one replaced, and the one Disconnect puts back.
 */
export function applyPlan(text: string | undefined, plan: Plan, chosen: readonly string[], record: UndoRecord | undefined, options: { makeReadable?: boolean } = {}): { text: string; record: UndoRecord } {
  const { text: found, bom } = splitBom(text ?? '');
  const readable = options.makeReadable && plan.unreadable ? makeReadable(found) : undefined;
  const current = readable ? readable.text : found;
  const removed = plan.conflicts.filter((c) => chosen.includes(c.id)).flatMap((c) => c.paths);
  const offered = plan.statusLine && chosen.includes(STATUS_LINE) ? [plan.statusLine] : [];
  const edits = [...[...plan.changes, ...offered].map((c) => ({ path: c.path, value: c.after })), ...removed.map((path) => ({ path, value: undefined }))];
  const next = setValues(current, edits);
  const keys = [...(record?.keys ?? [])];
  for (const { path, value } of edits) {
    const at = keys.findIndex((k) => k.path.join('.') === path.join('.'));
    const mine = at >= 0 && sameJson(valueAt(current, path), keys[at].wrote);
    const before = mine ? { ...(keys[at].before ? { before: keys[at].before } : {}) } : replaced(current, path, value === undefined);
    if (at < 0) keys.push({ path, ...before, wrote: value });
    else keys[at] = { path, ...before, wrote: value };
  }
  const startedEmpty = record ? record.startedEmpty : text === undefined ? 'noFile' : found.trim() === '' ? 'blank' : undefined;
  // The settings as Disconnect would leave them now: what putting the parts back later compares with.
  const settled = readable && record ? undoSettings(found, record) : undefined;
  const fingerprint = () => settingsFingerprint(settled?.ok && settled.text !== undefined ? (settled.text ?? '{}') : found);
  const madeReadable = readable ? { parts: [...(record?.madeReadable?.parts ?? []), ...readable.parts], settings: fingerprint() } : record?.madeReadable;
  return {
    text: bom + next,
    record: {
      version: 2,
      file: plan.file,
      keys,
      // Also when the user took out `env` since: this write makes it again.
      createdEnv: (record?.createdEnv ?? false) || valueAt(found, ['env']) === undefined,
      ...(startedEmpty ? { startedEmpty } : {}),
      ...(madeReadable ? { madeReadable } : {}),
    },
  };
}

export type Undone =
  | {
      readonly ok: true;
      /** The file's new text; null: remove it (Connect made it, and nothing else is left); undefined: leave it. */
      readonly text: string | null | undefined;
      /** Keys changed since the extension wrote them: left as they are. */
      readonly kept: JsonPath[];
      /** What Connect took out to make the file readable: put back, or left out (the settings changed since). */
      readonly readable?: 'putBack' | 'leftOut';
    }
  | { readonly ok: false; readonly problem: string };

/**
 * The file after Disconnect: each key that still holds what the extension wrote gets back the
 * value that write replaced (or goes, where there was none); everything else stays.
 *
 * What Connect took out so Claude Code could read the file (comments, trailing commas) goes back
 * beside the settings it was written next to, but only when the file's settings are then the
 * very ones Connect found: when the user or Claude Code changed a setting since, putting a
 * comment back would make Claude Code ignore that change (and every other setting in the file),
 * so they stay out, and Disconnect says so.
 */
export function undoSettings(raw: string | undefined, record: UndoRecord): Undone {
  if (raw === undefined) return { ok: true, text: undefined, kept: [] };
  const { text, bom } = splitBom(raw);
  const parsed = parseSettings(text);
  if (!parsed.ok) return { ok: false, problem: parsed.problem };
  const kept: JsonPath[] = [];
  const edits: { path: JsonPath; value: unknown; after?: string | null }[] = [];
  for (const key of record.keys) {
    if (sameJson(valueAt(text, key.path), key.wrote) && canSet(text, key.path)) edits.push({ path: key.path, value: key.before?.value, after: key.before?.after });
    else kept.push(key.path);
  }
  let next = setValues(text, edits);
  const env = valueAt(next, ['env']);
  if (record.createdEnv && isPlainObject(env) && Object.keys(env).length === 0 && !hasComment(next, ['env'])) next = setValues(next, [{ path: ['env'], value: undefined }]);
  let readable: 'putBack' | 'leftOut' | undefined;
  if (record.madeReadable) {
    const back = settingsFingerprint(next) === record.madeReadable.settings ? putBack(next, record.madeReadable.parts) : undefined;
    readable = back === undefined ? 'leftOut' : 'putBack';
    next = back ?? next;
  }
  // A file Connect made goes only when nothing but what it wrote was in it: no setting, no comment.
  const extra = readable ? { readable } : {};
  if (record.startedEmpty && /^\s*\{\s*\}\s*$/.test(next)) return { ok: true, text: record.startedEmpty === 'noFile' ? null : '', kept, ...extra };
  return { ok: true, text: next === text ? undefined : bom + next, kept, ...extra };
}

/** True when Claude Code's settings in `text` take the keys from this extension's helper. */
export function isConnected(text: string | undefined, exportCommand: string): boolean {
  return text !== undefined && valueAt(text, ['awsCredentialExport']) === exportCommand;
}
