// A week of Claude Code on the sandbox's machine, as its session records would hold it: a few
// projects and branches, Sonnet with Haiku beside it, prompt caching at work, and Claude Code's
// running totals. Written into the sandbox home so the dashboard's "This machine, live" part has
// something to show from the first look. Deterministic for a given `now`.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const PROJECTS = [
  { cwd: '/home/dev/checkout-service', branch: 'main' },
  { cwd: '/home/dev/checkout-service', branch: 'feature/retry-payments' },
  { cwd: '/home/dev/web-shop', branch: 'fix/cart-totals' },
  { cwd: '/home/dev/infra', branch: 'main' },
];
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/** A small, repeatable stream of numbers in [0, 1). */
function numbers(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export function writeSandboxRecords(home: string, now: number): void {
  const random = numbers(20_261_205);
  const root = path.join(home, '.claude', 'projects');
  for (let day = 6; day >= 0; day--) {
    const sessions = 1 + Math.floor(random() * 3);
    for (let s = 0; s < sessions; s++) {
      const project = PROJECTS[Math.floor(random() * PROJECTS.length)];
      const sessionId = `${day}${s}000000-5a4d-4b0c-9e6f-${String(day * 10 + s).padStart(12, '0')}`;
      const start = now - day * 86_400_000 - (1 + s * 2) * 3_600_000 - Math.floor(random() * 1_800_000);
      const lines: string[] = [];
      let cost = 0;
      const requests = 8 + Math.floor(random() * 30);
      for (let r = 0; r < requests; r++) {
        const model = r % 5 === 4 ? HAIKU : SONNET;
        const usage = {
          input_tokens: 20 + Math.floor(random() * 400),
          output_tokens: 80 + Math.floor(random() * 1_500),
          cache_creation_input_tokens: r === 0 ? 12_000 : Math.floor(random() * 3_000),
          cache_read_input_tokens: r === 0 ? 0 : 15_000 + Math.floor(random() * 60_000),
        };
        const at = Math.min(now - 60_000, start + r * 90_000);
        const id = `${sessionId}-${r}`;
        lines.push(JSON.stringify({ type: 'assistant', sessionId, timestamp: new Date(at).toISOString(), cwd: project.cwd, gitBranch: project.branch, version: '2.1.330', isSidechain: false, requestId: `req_${id}`, message: { id: `msg_${id}`, model, role: 'assistant', content: [{ type: 'text', text: '…' }], usage: { ...usage, cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 } } } }));
        const [input, output] = model === SONNET ? [3.3, 16.5] : [1.1, 5.5];
        cost += (usage.input_tokens * input + usage.output_tokens * output + usage.cache_creation_input_tokens * input * 1.25 + usage.cache_read_input_tokens * input * 0.1) / 1e6;
      }
      lines.push(JSON.stringify({ type: 'cost-state', sessionId, timestamp: new Date(start + requests * 90_000).toISOString(), totalCostUSD: Number(cost.toFixed(4)), totalLinesAdded: Math.floor(random() * 400), totalLinesRemoved: Math.floor(random() * 120), hasUnknownModelCost: false }));
      const folder = path.join(root, project.cwd.replace(/[\\/]/g, '-'));
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `${sessionId}.jsonl`), `${lines.join('\n')}\n`);
    }
  }
}
