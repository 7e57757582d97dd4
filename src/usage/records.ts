// One line of a Claude Code session record (<config>/projects/<project>/<session>.jsonl) in, what it
// says about usage out: an answer's tokens, or Claude Code's own running cost for the session.
// The format is Claude Code's internal one and changes between versions: unknown types and fields
// are ignored, wrong shapes are "unreadable", and nothing here throws. Pure.
//
// Measured with Claude Code 2.1.330: one API answer with several content blocks (thinking, text,
// tool use) is written as one assistant record per block, each with the same message.id,
// requestId (the response's request ID) and requestRef, and the whole answer's usage. It is
// counted once, by message.id + requestId (requestRef when there is no requestId).

export interface Tokens {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

export interface UsageRecord {
  /** message.id + ':' + request id; undefined when neither. */
  readonly key: string | undefined;
  readonly sessionId: string;
  /** Epoch ms. */
  readonly at: number;
  /** The Bedrock model or profile ID Claude Code asked for (requestedModel), else message.model. */
  readonly model: string;
  /** The model the answer names (message.model). */
  readonly answeredModel: string | undefined;
  /** The working folder (cwd). */
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

/** Text every line that can be usage or cost-state holds (Claude Code writes compact JSON). */
export const RECORD_MARKERS: readonly string[] = ['"type":"assistant"', '"type":"cost-state"'];

const IGNORED: ParsedLine = { kind: 'ignored' };
const UNREADABLE: ParsedLine = { kind: 'unreadable' };

/** Whether a line may be usage or cost-state; lines without a marker are ignored unparsed. */
export function mayCount(line: string): boolean {
  return RECORD_MARKERS.some((marker) => line.includes(marker));
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A token count: a finite non-negative number, else 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function amount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function time(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** Cache writes split by lifetime; without the split, every write is a 5-minute one. */
function tokensOf(usage: Json): Tokens {
  const writes = count(usage.cache_creation_input_tokens);
  const split = isObject(usage.cache_creation) ? usage.cache_creation : undefined;
  let cacheWrite1h = split ? count(split.ephemeral_1h_input_tokens) : 0;
  let cacheWrite5m: number;
  if (usage.cache_creation_input_tokens === undefined && split) cacheWrite5m = count(split.ephemeral_5m_input_tokens);
  else {
    cacheWrite1h = Math.min(cacheWrite1h, writes);
    cacheWrite5m = writes - cacheWrite1h;
  }
  return { input: count(usage.input_tokens), output: count(usage.output_tokens), cacheWrite5m, cacheWrite1h, cacheRead: count(usage.cache_read_input_tokens) };
}

function usageOf(record: Json): ParsedLine {
  const message = record.message;
  if (!isObject(message)) return UNREADABLE;
  const answeredModel = text(message.model);
  if (answeredModel === '<synthetic>' || message.usage === undefined) return IGNORED;
  if (!isObject(message.usage)) return UNREADABLE;
  const at = time(record.timestamp);
  const model = text(record.requestedModel) ?? answeredModel;
  if (at === undefined || model === undefined) return UNREADABLE;
  const id = text(message.id);
  const request = text(record.requestId) ?? text(record.requestRef);
  return {
    kind: 'usage',
    usage: {
      key: id === undefined && request === undefined ? undefined : `${id ?? ''}:${request ?? ''}`,
      sessionId: text(record.sessionId) ?? '',
      at,
      model,
      answeredModel,
      project: text(record.cwd) ?? '',
      branch: text(record.gitBranch),
      version: text(record.version),
      sidechain: record.isSidechain === true,
      tokens: tokensOf(message.usage),
    },
  };
}

function costOf(record: Json): ParsedLine {
  const sessionId = text(record.sessionId);
  if (sessionId === undefined) return UNREADABLE;
  return {
    kind: 'cost',
    cost: {
      sessionId,
      at: time(record.timestamp),
      totalCostUSD: amount(record.totalCostUSD),
      linesAdded: amount(record.totalLinesAdded),
      linesRemoved: amount(record.totalLinesRemoved),
      unknownModelCost: record.hasUnknownModelCost === true,
    },
  };
}

/** What one line says: usage, cost-state, something we do not count, or nothing readable. */
export function parseLine(line: string): ParsedLine {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return UNREADABLE;
  }
  if (!isObject(record)) return UNREADABLE;
  try {
    if (record.type === 'assistant') return usageOf(record);
    if (record.type === 'cost-state') return costOf(record);
    return IGNORED;
  } catch {
    return UNREADABLE;
  }
}
