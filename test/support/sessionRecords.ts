// Session records shaped like the real CLI's (Claude Code 2.1.330, test/unit/fixtures/
// claudeCodeSession.jsonl): per session file, turns of a user prompt, attachments, bookkeeping
// records, answers written as one assistant record per content block (the same message id and
// usage in each), tool results, and Claude Code's running totals. Sizes and proportions vary
// by a seeded generator, so a folder of a given size is the same every time.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const MODELS = ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'global.anthropic.claude-opus-4-6-v1', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'];
const BRANCHES = ['main', 'feature/payments', 'fix/flaky-test', 'HEAD'];

/** A small, repeatable stream of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function words(random: () => number, bytes: number): string {
  const vocabulary = ['const', 'function', 'return', 'the', 'test', 'value', 'await', 'import', 'export', 'if', 'else', 'string', 'number', 'file', 'error'];
  const out: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = vocabulary[Math.floor(random() * vocabulary.length)];
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ');
}

export interface Generated {
  readonly files: number;
  readonly bytes: number;
  readonly answers: number;
  /** Sums of what every answer reported, each answer once. */
  readonly tokens: { input: number; output: number; cacheCreation: number; cacheRead: number };
}

/** Writes about `bytes` of records over `files` session files below `root`/projects. */
export function writeSessionRecords(root: string, options: { bytes: number; files: number; now: number; seed?: number }): Generated {
  const random = seeded(options.seed ?? 42);
  const perFile = options.bytes / options.files;
  const tokens = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 };
  let bytes = 0;
  let answers = 0;
  for (let f = 0; f < options.files; f++) {
    const project = `/home/dev/project-${f % 40}`;
    const folder = path.join(root, 'projects', project.replace(/\//g, '-'));
    mkdirSync(folder, { recursive: true });
    const sessionId = `${String(f).padStart(8, '0')}-5a4d-4b0c-9e6f-${String(Math.floor(random() * 1e12)).padStart(12, '0')}`;
    const common = { isSidechain: false, userType: 'external', entrypoint: 'cli', cwd: project, sessionId, version: '2.1.330', gitBranch: BRANCHES[f % BRANCHES.length] };
    let at = options.now - Math.floor(random() * 28 * 86_400_000);
    const lines: string[] = [];
    let size = 0;
    const push = (record: object) => {
      const line = JSON.stringify(record);
      lines.push(line);
      size += line.length + 1;
    };
    let cost = 0;
    let turn = 0;
    while (size < perFile) {
      at += 5_000 + Math.floor(random() * 60_000);
      const timestamp = new Date(at).toISOString();
      push({ type: 'queue-operation', operation: 'enqueue', timestamp, sessionId, content: words(random, 40) });
      push({ ...common, parentUuid: null, type: 'user', message: { role: 'user', content: words(random, 200 + random() * 1500) }, uuid: `u-${f}-${turn}`, timestamp });
      push({ ...common, type: 'attachment', attachment: { type: 'environment', snapshot: { workingDirectory: project, platform: 'linux' } }, uuid: `a-${f}-${turn}`, timestamp });
      const model = MODELS[Math.floor(random() * MODELS.length)];
      push({ type: 'api-request', sessionId, timestamp, model, shape: { messages: turn * 2 + 1 } });
      const usage = {
        input_tokens: 1 + Math.floor(random() * 500),
        cache_creation_input_tokens: Math.floor(random() * 4000),
        cache_read_input_tokens: Math.floor(random() * 60_000),
        output_tokens: 20 + Math.floor(random() * 2000),
        service_tier: 'standard',
      };
      const split = Math.floor(usage.cache_creation_input_tokens * random());
      const fullUsage = { ...usage, cache_creation: { ephemeral_5m_input_tokens: split, ephemeral_1h_input_tokens: usage.cache_creation_input_tokens - split } };
      const messageId = `msg_bdrk_${f}_${turn}`;
      const blocks = 1 + Math.floor(random() * 3);
      for (let b = 0; b < blocks; b++) {
        const content = b === blocks - 1 && random() < 0.6 ? [{ type: 'tool_use', id: `toolu_${f}_${turn}`, name: 'Read', input: { file_path: `${project}/src/file${b}.ts` } }] : [{ type: 'text', text: words(random, 100 + random() * 2500) }];
        push({ ...common, parentUuid: `u-${f}-${turn}`, message: { id: messageId, type: 'message', role: 'assistant', model: model.replace(/^(us|global)\.anthropic\./, '').replace(/-v\d+(:\d+)?$/, ''), content, stop_reason: null, usage: fullUsage }, requestId: `req_${f}_${turn}`, requestedModel: model, type: 'assistant', uuid: `as-${f}-${turn}-${b}`, timestamp });
      }
      answers++;
      tokens.input += usage.input_tokens;
      tokens.output += usage.output_tokens;
      tokens.cacheCreation += usage.cache_creation_input_tokens;
      tokens.cacheRead += usage.cache_read_input_tokens;
      if (random() < 0.6) push({ ...common, type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${f}_${turn}`, content: words(random, 500 + random() * 8000) }] }, uuid: `t-${f}-${turn}`, timestamp });
      cost += (usage.input_tokens * 3 + usage.output_tokens * 15) / 1e6;
      push({ type: 'cost-state', sessionId, timestamp, totalCostUSD: Number(cost.toFixed(6)), totalLinesAdded: turn * 3, totalLinesRemoved: turn, hasUnknownModelCost: false });
      turn++;
    }
    writeFileSync(path.join(folder, `${sessionId}.jsonl`), `${lines.join('\n')}\n`);
    bytes += size;
  }
  return { files: options.files, bytes, answers, tokens };
}
