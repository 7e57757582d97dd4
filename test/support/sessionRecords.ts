// Writes session records shaped like Claude Code 2.1.330's (test/unit/fixtures/claudeCodeSession.jsonl
// is one it wrote): queue operations, user prompts, attachments, tool results, API request records,
// assistant answers written as one record per content block with the same message.id, requestId
// and usage, and cost-state. Deterministic for a seed. For the unit tests and the benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** A small deterministic generator (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface AnswerUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

export interface AnswerOptions {
  readonly sessionId: string;
  readonly at: number;
  readonly model: string;
  readonly answeredModel?: string;
  readonly messageId: string;
  readonly requestId: string;
  readonly cwd?: string;
  readonly branch?: string;
  readonly usage: AnswerUsage;
  /** Content blocks: one record each. */
  readonly blocks?: readonly Record<string, unknown>[];
  readonly sidechain?: boolean;
}

/** The assistant records of one answer, one line per content block. */
export function answerLines(options: AnswerOptions): string[] {
  const usage = {
    input_tokens: options.usage.input,
    cache_creation_input_tokens: options.usage.cacheWrite5m + options.usage.cacheWrite1h,
    cache_read_input_tokens: options.usage.cacheRead,
    output_tokens: options.usage.output,
    output_tokens_details: { thinking_tokens: 0 },
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: 'standard',
    cache_creation: { ephemeral_1h_input_tokens: options.usage.cacheWrite1h, ephemeral_5m_input_tokens: options.usage.cacheWrite5m },
    inference_geo: '',
    iterations: [],
    speed: 'standard',
  };
  const blocks = options.blocks ?? [{ type: 'text', text: 'Done.' }];
  return blocks.map((block, index) =>
    JSON.stringify({
      parentUuid: `parent-${options.messageId}-${index}`,
      isSidechain: options.sidechain ?? false,
      message: {
        id: options.messageId,
        type: 'message',
        role: 'assistant',
        model: options.answeredModel ?? options.model.replace(/^(us|eu|apac|global)\.anthropic\./, '').replace(/-v\d+(:\d+)?$/, ''),
        content: [block],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage,
      },
      apiBlockIndex: index,
      requestId: options.requestId,
      requestRef: `ref-${options.requestId}`,
      requestedModel: options.model,
      promptCacheRequested: '5m',
      type: 'assistant',
      uuid: `uuid-${options.messageId}-${index}`,
      timestamp: new Date(options.at + index * 3).toISOString(),
      userType: 'external',
      entrypoint: 'cli',
      cwd: options.cwd ?? '/home/dev/projects/app',
      sessionId: options.sessionId,
      version: '2.1.330',
      gitBranch: options.branch ?? 'main',
    }),
  );
}

export interface CostStateOptions {
  readonly sessionId: string;
  readonly totalCostUSD: number;
  readonly linesAdded?: number;
  readonly linesRemoved?: number;
}

export function costStateLine(options: CostStateOptions): string {
  return JSON.stringify({
    type: 'cost-state',
    sessionId: options.sessionId,
    totalCostUSD: options.totalCostUSD,
    totalAPIDuration: 1200,
    totalLinesAdded: options.linesAdded ?? 0,
    totalLinesRemoved: options.linesRemoved ?? 0,
    totalDuration: 5000,
    modelUsage: {},
    hasUnknownModelCost: false,
  });
}

export function userLine(sessionId: string, at: number, text: string, cwd = '/home/dev/projects/app'): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: 'user',
    message: { role: 'user', content: text },
    uuid: `user-${at}`,
    timestamp: new Date(at).toISOString(),
    userType: 'external',
    entrypoint: 'cli',
    cwd,
    sessionId,
    version: '2.1.330',
    gitBranch: 'main',
  });
}

const MODELS = ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-opus-4-6-v1', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'];
const WORDS = 'the function returns a value when called with an index of files in the project folder and then writes its result to the log'.split(' ');

function words(random: () => number, bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ');
}

export interface GeneratedSet {
  readonly files: number;
  readonly bytes: number;
  readonly answers: number;
}

/**
 * Writes about `bytes` of session files over `files` sessions below `projectsFolder`, spread over
 * the 30 days before `end`, in the proportions a working session has: most bytes in tool results
 * and attachments, assistant answers of one to four content blocks, a cost-state after each turn.
 */
export function writeSessionSet(projectsFolder: string, options: { bytes: number; files: number; seed?: number; end?: number }): GeneratedSet {
  const random = seeded(options.seed ?? 22);
  const end = options.end ?? Date.parse('2026-12-01T12:00:00Z');
  const perFile = Math.max(4096, Math.floor(options.bytes / options.files));
  let total = 0;
  let answers = 0;
  for (let f = 0; f < options.files; f++) {
    const project = `project${f % 40}`;
    const cwd = `/home/dev/projects/${project}`;
    const folder = path.join(projectsFolder, `-home-dev-projects-${project}`);
    mkdirSync(folder, { recursive: true });
    const sessionId = `00000000-0000-4000-8000-${String(f).padStart(12, '0')}`;
    let at = end - Math.floor(random() * 30 * 86_400_000);
    const model = MODELS[f % MODELS.length];
    const lines: string[] = [];
    let size = 0;
    let cost = 0;
    let turn = 0;
    const push = (line: string) => {
      lines.push(line);
      size += line.length + 1;
    };
    while (size < perFile) {
      turn++;
      push(JSON.stringify({ type: 'queue-operation', operation: 'enqueue', timestamp: new Date(at).toISOString(), sessionId, content: 'next' }));
      push(userLine(sessionId, at, words(random, 80 + Math.floor(random() * 400)), cwd));
      push(JSON.stringify({ type: 'attachment', attachment: { type: 'prompt_snapshot', content: words(random, 2000 + Math.floor(random() * 12000)) }, sessionId, timestamp: new Date(at).toISOString(), cwd }));
      const steps = 1 + Math.floor(random() * 4);
      for (let s = 0; s < steps; s++) {
        at += 2000 + Math.floor(random() * 20000);
        push(JSON.stringify({ type: 'api-request', sessionId, id: `req-${f}-${turn}-${s}`, timestamp: new Date(at).toISOString(), version: '2.1.330', params: { model } }));
        const blockCount = 1 + Math.floor(random() * 3);
        const blocks: Record<string, unknown>[] = [];
        for (let b = 0; b < blockCount; b++) {
          blocks.push(b === blockCount - 1 && s < steps - 1 ? { type: 'tool_use', id: `tool-${f}-${turn}-${s}`, name: 'Read', input: { file_path: `${cwd}/src/file${b}.ts` } } : { type: 'text', text: words(random, 100 + Math.floor(random() * 900)) });
        }
        const usage = {
          input: 3 + Math.floor(random() * 3000),
          output: 20 + Math.floor(random() * 2500),
          cacheWrite5m: Math.floor(random() * 8000),
          cacheWrite1h: random() < 0.2 ? Math.floor(random() * 4000) : 0,
          cacheRead: Math.floor(random() * 120_000),
        };
        cost += (usage.input * 3 + usage.output * 15 + usage.cacheWrite5m * 3.75 + usage.cacheWrite1h * 6 + usage.cacheRead * 0.3) / 1e6;
        answers++;
        for (const line of answerLines({ sessionId, at, model, messageId: `msg_bdrk_${f}_${turn}_${s}`, requestId: `${f}-${turn}-${s}-req`, cwd, usage, blocks })) push(line);
        if (s < steps - 1) {
          push(JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `tool-${f}-${turn}-${s}`, content: words(random, 500 + Math.floor(random() * 6000)) }] }, sessionId, timestamp: new Date(at + 50).toISOString(), cwd, isSidechain: false }));
        }
      }
      push(JSON.stringify({ type: 'last-prompt', lastPrompt: 'next', sessionId }));
      push(costStateLine({ sessionId, totalCostUSD: Number(cost.toFixed(6)), linesAdded: turn * 3, linesRemoved: turn }));
    }
    const text = `${lines.join('\n')}\n`;
    writeFileSync(path.join(folder, `${sessionId}.jsonl`), text);
    total += Buffer.byteLength(text);
  }
  return { files: options.files, bytes: total, answers };
}
