// One line of Claude Code's session records in, what it says about usage out. Claude Code's
// format is its own and changes between versions: unknown record types and fields are ignored,
// missing numbers count as 0, and nothing here throws. Two kinds of line matter:
//
// - `assistant`: one answer from the model, with `message.usage`. Claude Code writes an answer
//   of several content blocks as several records carrying the same message and the same usage,
//   so each record is keyed by message id and request id, and the figures count a key once.
// - `cost-state`: Claude Code's own running totals for the session (its cost, lines changed).
//
// Only the usage fields are read: never a prompt, an answer or any code. Pure.

export interface Tokens {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

export interface UsageRecord {
  /** message id and request id: one API answer; undefined when the record has neither. */
  readonly key: string | undefined;
  readonly sessionId: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly model: string;
  /** The working folder Claude Code ran in. */
  readonly project: string;
  readonly branch: string | undefined;
  readonly version: string | undefined;
  readonly sidechain: boolean;
  readonly tokens: Tokens;
}

export interface CostRecord {
  readonly sessionId: string;
  readonly at: number | undefined;
  readonly totalCostUSD: number | undefined;
  readonly linesAdded: number | undefined;
  readonly linesRemoved: number | undefined;
  readonly unknownModelCost: boolean;
}

export type ParsedLine = { kind: 'usage'; usage: UsageRecord } | { kind: 'cost'; cost: CostRecord } | { kind: 'ignored' } | { kind: 'unreadable' };

export const NO_TOKENS: Tokens = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };

/** Whether a line can be an answer or Claude Code's totals: most lines are told apart without parsing them. */
function mayCount(line: string): boolean {
  return line.includes('"assistant"') || line.includes('"cost-state"');
}

/** Whether a line looks like one JSON object (a line that does not is counted as not understood). */
function looksLikeObject(line: string): boolean {
  let end = line.length - 1;
  while (end > 0 && (line.charCodeAt(end) === 13 || line.charCodeAt(end) === 32)) end--;
  let start = 0;
  while (start < end && line.charCodeAt(start) === 32) start++;
  return line.charCodeAt(start) === 123 && line.charCodeAt(end) === 125;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const at = new Date(value).getTime();
  return Number.isFinite(at) ? at : undefined;
}

/** The tokens of one answer; a cache write with no 5-minute/1-hour split counts as 5-minute. */
export function tokensOf(usage: Record<string, unknown>): Tokens {
  const written = count(usage.cache_creation_input_tokens);
  const split = usage.cache_creation as Record<string, unknown> | undefined;
  const fiveMinutes = typeof split === 'object' && split !== null ? count(split.ephemeral_5m_input_tokens) : 0;
  const oneHour = typeof split === 'object' && split !== null ? count(split.ephemeral_1h_input_tokens) : 0;
  const splitKnown = fiveMinutes + oneHour > 0;
  return {
    input: count(usage.input_tokens),
    output: count(usage.output_tokens),
    cacheWrite5m: splitKnown ? fiveMinutes + Math.max(0, written - fiveMinutes - oneHour) : written,
    cacheWrite1h: splitKnown ? oneHour : 0,
    cacheRead: count(usage.cache_read_input_tokens),
  };
}

function usageRecord(record: Record<string, unknown>): ParsedLine {
  const message = record.message as Record<string, unknown> | undefined;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { kind: 'unreadable' };
  const usage = message.usage as Record<string, unknown> | undefined;
  const answered = text(message.model);
  // Claude Code's own stand-in answers (an error shown as a reply, an interruption) carry no usage.
  if (typeof usage !== 'object' || usage === null || !answered || answered === '<synthetic>') return { kind: 'ignored' };
  // What Claude Code asked Bedrock for (the profile, global or geographic, or an application
  // profile's ARN) says more about the price than the model name the answer carries.
  const model = text(record.requestedModel) ?? answered;
  const sessionId = text(record.sessionId);
  const at = time(record.timestamp);
  if (!sessionId || at === undefined) return { kind: 'unreadable' };
  const messageId = text(message.id);
  const requestId = text(record.requestId) ?? text(record.requestRef);
  return {
    kind: 'usage',
    usage: {
      key: messageId || requestId ? `${messageId ?? ''}:${requestId ?? ''}` : undefined,
      sessionId,
      at,
      model,
      project: text(record.cwd) ?? '',
      branch: text(record.gitBranch),
      version: text(record.version),
      sidechain: record.isSidechain === true,
      tokens: tokensOf(usage),
    },
  };
}

function costRecord(record: Record<string, unknown>): ParsedLine {
  const sessionId = text(record.sessionId);
  if (!sessionId) return { kind: 'unreadable' };
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  return {
    kind: 'cost',
    cost: {
      sessionId,
      at: time(record.timestamp),
      totalCostUSD: number(record.totalCostUSD),
      linesAdded: number(record.totalLinesAdded),
      linesRemoved: number(record.totalLinesRemoved),
      unknownModelCost: record.hasUnknownModelCost === true,
    },
  };
}

export function parseLine(line: string): ParsedLine {
  if (!mayCount(line)) {
    // Cheap: most lines are prompts, tool results and Claude Code's bookkeeping.
    return line.trim() === '' || looksLikeObject(line) ? { kind: 'ignored' } : { kind: 'unreadable' };
  }
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { kind: 'unreadable' };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { kind: 'unreadable' };
  const type = (record as { type?: unknown }).type;
  if (type === 'assistant') return usageRecord(record as Record<string, unknown>);
  if (type === 'cost-state') return costRecord(record as Record<string, unknown>);
  return { kind: 'ignored' };
}

/**
 * The key of an answer record, read from the line without parsing it (Claude Code writes
 * `"message":{"id":"…"` and `"requestId":"…"`); undefined when the line does not say it plainly.
 * It matches the key parseLine gives the same line.
 */
export function answerKey(line: string): string | undefined {
  const messageAt = line.indexOf('"message":{"id":"');
  const requestAt = line.indexOf('"requestId":"');
  if (messageAt < 0 || requestAt < 0) return undefined;
  const id = line.slice(messageAt + 17, line.indexOf('"', messageAt + 17));
  const request = line.slice(requestAt + 13, line.indexOf('"', requestAt + 13));
  return id && request && !id.includes('\\') && !request.includes('\\') ? `${id}:${request}` : undefined;
}
