// What a setting is: its key, type, default, rule, where the Settings editor shows it, and which
// parts of the extension react when it changes. Every setting is described once, in
// settings.ts, with these rules; package.json's contribution and the organisation defaults'
// schema are generated from that table (contribution.ts), so they cannot drift. Pure.

/** Every setting lives under this section: `claudeBedrock.<key>`. */
export const SECTION = 'claudeBedrock';

/** The parts of the extension that react to a setting's change. */
export type Area = 'signIn' | 'terminals' | 'models' | 'usage' | 'quota' | 'claudeCode';

export interface SettingProblem {
  /** Full setting id, e.g. `claudeBedrock.issuer`: the Open Settings button searches for it. */
  readonly setting: string;
  /** What is wrong, as the second half of a sentence: "is not set." */
  readonly problem: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: SettingProblem[] };

/** What the generated JSON schemas say of a setting. */
export interface SettingSchema {
  readonly type: 'string' | 'integer' | 'number' | 'array' | 'object';
  readonly default: string | number | readonly string[] | Readonly<Record<string, string>>;
  /** A list's items, or a map's values: strings matching this pattern. */
  readonly items?: { readonly type: 'string'; readonly pattern?: string };
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** A value must match this (an empty string is allowed unless `required`). */
  readonly pattern?: string;
  /** What the pattern means, in words: "an https:// URL". */
  readonly expected?: string;
  /** An organisation default, when given, may not be empty. */
  readonly required?: boolean;
}

/** How a raw value becomes a checked one: its schema and the check itself. */
export interface Rule<T> {
  readonly schema: SettingSchema;
  read(key: string, raw: unknown, problems: SettingProblem[]): T;
}

export interface Setting<T> {
  readonly key: string;
  /** Position in the Settings editor. */
  readonly order: number;
  /** Markdown, as the Settings editor shows it. */
  readonly description: string;
  readonly enumDescriptions?: readonly string[];
  readonly affects: readonly Area[];
  readonly schema: SettingSchema;
  /** The checked value; problems are added to `problems` (the default stands in for a bad value). */
  read(raw: unknown, problems: SettingProblem[]): T;
}

export interface SettingMeta {
  readonly order: number;
  readonly description: string;
  readonly affects: readonly Area[];
  readonly enumDescriptions?: readonly string[];
}

export function settingId(key: string): string {
  return `${SECTION}.${key}`;
}

export function define<T>(key: string, rule: Rule<T>, meta: SettingMeta): Setting<T> {
  return { key, ...meta, schema: rule.schema, read: (raw, problems) => rule.read(key, raw, problems) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function problem(problems: SettingProblem[], key: string, what: string): void {
  problems.push({ setting: settingId(key), problem: what });
}

/** True for hosts that never leave the machine: the only place plain http is acceptable. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

const URL_PATTERN = '^(https://|http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?(/|$))';

/** An https:// URL (plain http only on this machine); `required`: the hint when it is missing. */
export function url(options: { required?: string } = {}): Rule<string | undefined> {
  return {
    schema: { type: 'string', default: '', pattern: URL_PATTERN, expected: options.required ? 'an https:// URL' : 'an https:// URL, or empty', required: Boolean(options.required) },
    read(key, raw, problems) {
      const value = text(raw);
      if (!value) {
        if (options.required) problem(problems, key, `is not set. ${options.required}`);
        return undefined;
      }
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        problem(problems, key, `is not a valid URL ("${value}").`);
        return value;
      }
      if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
        problem(problems, key, `must be an https:// URL ("${value}").`);
      }
      return value;
    },
  };
}

/** Free text; empty means `fallback`. `required`: the hint when it is missing. */
export function words(fallback: string, options: { required?: string } = {}): Rule<string> {
  return {
    schema: { type: 'string', default: fallback, required: Boolean(options.required) },
    read(key, raw, problems) {
      const value = text(raw);
      if (!value && options.required) problem(problems, key, `is not set. ${options.required}`);
      return value || fallback;
    },
  };
}

/** Text that must match `pattern`; `example` completes "is not <example>". Empty means `fallback`. */
export function matching(options: { pattern: string; example: string; fallback: string; required?: string; optional?: boolean }): Rule<string> {
  const regex = new RegExp(options.pattern);
  return {
    schema: {
      type: 'string',
      default: options.fallback,
      pattern: options.pattern,
      expected: `${options.example}${options.optional ? ', or empty' : ''}`,
      required: Boolean(options.required),
    },
    read(key, raw, problems) {
      const value = text(raw) || options.fallback;
      if (!value) {
        if (options.required) problem(problems, key, `is not set. ${options.required}`);
        return value;
      }
      if (!regex.test(value)) problem(problems, key, `is not ${options.example} (it is "${value}").`);
      return value;
    },
  };
}

/** Space-separated words that must include `word`. */
export function including(word: string, fallback: string, expected: string): Rule<string> {
  return {
    schema: { type: 'string', default: fallback, pattern: `(^|\\s)${word}(\\s|$)`, expected },
    read(key, raw, problems) {
      const value = text(raw) || fallback;
      if (!value.split(/\s+/).includes(word)) problem(problems, key, `must include "${word}" (it is "${value}").`);
      return value;
    },
  };
}

export function oneOf<const V extends string>(values: readonly V[]): Rule<V> {
  const listed = values.length === 2 ? `"${values[0]}" or "${values[1]}"` : `one of ${values.join(', ')}`;
  return {
    schema: { type: 'string', default: values[0], enum: values },
    read(key, raw, problems) {
      const value = text(raw) || values[0];
      if ((values as readonly string[]).includes(value)) return value as V;
      problem(problems, key, `must be ${listed} (it is "${value}").`);
      return values[0];
    },
  };
}

function numeric(raw: unknown): number {
  return typeof raw === 'number' ? raw : Number(raw);
}

/** A whole number from `min` to `max`; empty means `fallback`. */
export function wholeNumber(fallback: number, min: number, max: number): Rule<number> {
  return {
    schema: { type: 'integer', default: fallback, minimum: min, maximum: max },
    read(key, raw, problems) {
      if (raw === undefined || raw === null || raw === '') return fallback;
      const n = numeric(raw);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      problem(problems, key, `must be a whole number from ${min} to ${max} (it is ${JSON.stringify(raw)}).`);
      return fallback;
    },
  };
}

/** A whole number from 1 to `max`, or 0 (or empty) for Claude Code's own default: undefined. */
export function tokenCount(max: number): Rule<number | undefined> {
  return {
    schema: { type: 'integer', default: 0, minimum: 0, maximum: max },
    read(key, raw, problems) {
      if (raw === undefined || raw === null || raw === '' || raw === 0) return undefined;
      const n = numeric(raw);
      if (Number.isInteger(n) && n >= 1 && n <= max) return n;
      problem(problems, key, `must be a whole number from 1 to ${max}, or 0 for Claude Code's default (it is ${JSON.stringify(raw)}).`);
      return undefined;
    },
  };
}

/** A number from `min` to `max`; 0 or empty means `fallback` (for limits: none). */
export function amount<F extends number | undefined>(fallback: F, min: number, max: number): Rule<number | F> {
  return {
    schema: { type: 'number', default: fallback ?? 0, minimum: fallback === undefined ? 0 : min, maximum: fallback === undefined ? undefined : max },
    read(key, raw, problems) {
      if (raw === undefined || raw === null || raw === '' || raw === 0) return fallback;
      const n = numeric(raw);
      if (Number.isFinite(n) && n >= min && n <= max) return n;
      problem(problems, key, `must be a number from ${min} to ${max} (it is ${JSON.stringify(raw)}).`);
      return fallback;
    },
  };
}

/** A list of words each matching `pattern` (`example` completes "is not <example>"); empty: none. */
export function wordList(options: { pattern: string; example: string }): Rule<readonly string[]> {
  const regex = new RegExp(options.pattern);
  return {
    schema: { type: 'array', default: [], items: { type: 'string', pattern: options.pattern }, expected: `a list of ${options.example}` },
    read(key, raw, problems) {
      if (raw === undefined || raw === null || raw === '') return [];
      if (!Array.isArray(raw)) {
        problem(problems, key, `must be a list (it is ${JSON.stringify(raw)}).`);
        return [];
      }
      const values = raw.map(text);
      const bad = values.filter((v) => !regex.test(v));
      if (bad.length > 0) {
        problem(problems, key, `holds ${bad.map((b) => `"${b}"`).join(', ')}, which is not ${options.example}.`);
        return values.filter((v) => regex.test(v));
      }
      return values;
    },
  };
}

/** A map from keys matching `keys` to values matching `values`; empty: none. */
export function wordMap(options: { keys: { pattern: string; example: string }; values: { pattern: string; example: string } }): Rule<Readonly<Record<string, string>>> {
  const keyRegex = new RegExp(options.keys.pattern);
  const valueRegex = new RegExp(options.values.pattern);
  return {
    schema: { type: 'object', default: {}, items: { type: 'string', pattern: options.values.pattern }, expected: `${options.keys.example} mapped to ${options.values.example}` },
    read(key, raw, problems) {
      if (raw === undefined || raw === null || raw === '') return {};
      if (typeof raw !== 'object' || Array.isArray(raw)) {
        problem(problems, key, `must be an object of ${options.keys.example} to ${options.values.example} (it is ${JSON.stringify(raw)}).`);
        return {};
      }
      const kept: Record<string, string> = {};
      for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        const target = text(value);
        if (!keyRegex.test(name)) problem(problems, key, `has the key "${name}", which is not ${options.keys.example}.`);
        else if (!valueRegex.test(target)) problem(problems, key, `maps "${name}" to "${target}", which is not ${options.values.example}.`);
        else kept[name] = target;
      }
      return kept;
    },
  };
}
