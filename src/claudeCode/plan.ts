// What connecting Claude Code changes in its user settings, what already there would win over
// this sign-in (conflicts), and how Disconnect puts the file back. Pure: text in, text out.
//
// The extension owns a few keys of Claude Code's settings: the Bedrock variables in `env`
// (BEDROCK_VARIABLE_NAMES), and the helpers `awsCredentialExport`, `awsAuthRefresh` and
// `otelHeadersHelper`. It changes those only, records what they held before, and on Disconnect
// writes back the file it found, byte for byte, unless the file was edited since; then it puts
// back only the keys still holding what it wrote.
import { createHash } from 'node:crypto';
import { BEDROCK_VARIABLE_NAMES } from '../terminal/variables';
import { parseSettings, setValues, valueAt, type JsonPath } from './jsonEdit';

export const HELPER_KEYS = ['awsCredentialExport', 'awsAuthRefresh', 'otelHeadersHelper'] as const;
export type HelperKey = (typeof HELPER_KEYS)[number];

/** What Claude Code's settings should hold of ours. */
export interface Desired {
  readonly env: Readonly<Record<string, string>>;
  readonly helpers: Readonly<Record<HelperKey, string | undefined>>;
}

/** A key the extension changed: what it held before (absent: no `before`) and what was written. */
export interface OwnedKey {
  readonly path: JsonPath;
  readonly before?: { readonly value: unknown };
  readonly wrote: unknown;
}

/** How to undo a Connect. Kept in SecretStorage (the file's text may hold the user's own secrets). */
export interface UndoRecord {
  readonly version: 1;
  readonly file: string;
  /** The file as Connect found it; null: there was none. */
  readonly originalText: string | null;
  /** sha256 of the text the extension last wrote: the file is unchanged since while it matches. */
  readonly writtenHash: string;
  readonly keys: readonly OwnedKey[];
  /** `env` did not exist before Connect. */
  readonly createdEnv: boolean;
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
}

/** AWS keys of their own in Claude Code's settings: they would win over the sign-in. */
export const AWS_KEY_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every path the extension may own, with the value it wants there (undefined: none). */
export function wanted(desired: Desired): { path: JsonPath; value: string | undefined }[] {
  return [
    ...BEDROCK_VARIABLE_NAMES.map((name) => ({ path: ['env', name], value: desired.env[name] })),
    ...HELPER_KEYS.map((key) => ({ path: [key], value: desired.helpers[key] })),
  ];
}

/** True for a command of the AWS guidance's installer (its credential-process, or ccwb). */
export function isGuidanceCommand(value: unknown): boolean {
  return typeof value === 'string' && /credential-process|ccwb/.test(value);
}

/**
 * What connecting (or following a change of the settings, with `record`) changes in a file
 * holding `text` (undefined: no file yet).
 */
export function planSettings(input: { file: string; text: string | undefined; desired: Desired; record?: UndoRecord; guidanceProfiles?: readonly string[] }): Plan {
  const text = input.text ?? '';
  const parsed = parseSettings(text);
  const base = { file: input.file, changes: [], conflicts: [], replacesGuidance: false };
  if (!parsed.ok) return { ...base, problem: parsed.problem };
  const ours = new Set((input.record?.keys ?? []).map((k) => k.path.join('.')));
  const changes: Change[] = [];
  for (const { path, value } of wanted(input.desired)) {
    const before = valueAt(text, path);
    // Something not ours that we do not want either is the user's: left alone.
    if (value === undefined && !ours.has(path.join('.'))) continue;
    if (before !== value) changes.push({ path, before, after: value });
  }
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
  const replacesGuidance = HELPER_KEYS.some((key) => isGuidanceCommand(parsed.value[key]));
  return { ...base, changes, conflicts, replacesGuidance };
}

/** The file after a plan, with the fixes chosen for its conflicts, and what to remember to undo it. */
export function applyPlan(text: string | undefined, plan: Plan, fixes: readonly string[], record: UndoRecord | undefined): { text: string; record: UndoRecord } {
  const current = text ?? '';
  const removed = plan.conflicts.filter((c) => fixes.includes(c.id)).flatMap((c) => c.paths);
  const edits = [...plan.changes.map((c) => ({ path: c.path, value: c.after })), ...removed.map((path) => ({ path, value: undefined }))];
  const next = setValues(current, edits);
  const keys = [...(record?.keys ?? [])];
  for (const { path, value } of edits) {
    const at = keys.findIndex((k) => k.path.join('.') === path.join('.'));
    const before = valueAt(current, path);
    if (at >= 0) keys[at] = { ...keys[at], wrote: value };
    else keys.push({ path, ...(before === undefined ? {} : { before: { value: before } }), wrote: value });
  }
  return {
    text: next,
    record: {
      version: 1,
      file: plan.file,
      originalText: record ? record.originalText : (text ?? null),
      writtenHash: hashText(next),
      keys,
      createdEnv: record ? record.createdEnv : valueAt(current, ['env']) === undefined,
    },
  };
}

/**
 * The file as it should be after Disconnect: the text Connect found when nothing was edited
 * since (null: remove the file, there was none), else the current text with each key that still
 * holds what was written put back. `kept`: keys the user changed since, left as they are.
 */
export function undoSettings(text: string | undefined, record: UndoRecord): { text: string | null | undefined; kept: JsonPath[] } {
  if (text === undefined) return { text: undefined, kept: [] };
  if (hashText(text) === record.writtenHash) return { text: record.originalText, kept: [] };
  if (!parseSettings(text).ok) return { text: undefined, kept: record.keys.map((k) => k.path) };
  const kept: JsonPath[] = [];
  const edits: { path: JsonPath; value: unknown }[] = [];
  for (const key of record.keys) {
    if (JSON.stringify(valueAt(text, key.path)) !== JSON.stringify(key.wrote)) kept.push(key.path);
    else edits.push({ path: key.path, value: key.before?.value });
  }
  let next = setValues(text, edits);
  const env = valueAt(next, ['env']);
  if (record.createdEnv && env && typeof env === 'object' && Object.keys(env).length === 0) next = setValues(next, [{ path: ['env'], value: undefined }]);
  return { text: next, kept };
}

/** True when Claude Code's settings in `text` take the keys from this extension's helper. */
export function isConnected(text: string | undefined, exportCommand: string): boolean {
  return text !== undefined && valueAt(text, ['awsCredentialExport']) === exportCommand;
}
