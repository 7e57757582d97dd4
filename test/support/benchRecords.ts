// This machine's usage from Claude Code's session records, measured beside ccusage (its native
// build) on the same folder in one run: records shaped like the real CLI's (sessionRecords.ts),
// 1 GB over 5,000 session files unless BENCH_RECORDS_BYTES / BENCH_RECORDS_FILES say less, kept
// under .vscode-test/bench-records/ so a second run does not write them again.
//
//   ours      the first full read (time; the longest the event loop was held; resident memory
//             and the JS heap after a full GC, over a process that read nothing), then a record
//             appended to the reader's change event (20 times)
//   ccusage   `ccusage claude daily --json --offline` over the same folder (wall time)
//   compared  token totals (equal), cost (ours prices the profile asked for: us. profiles 10%
//             above global, 1-hour cache writes at 2x input; ccusage prices the model name alone)
//
//   node out/test/support/benchRecords.mjs            the comparison, printed, and returned by benchRecords()
//   node --expose-gc out/test/support/benchRecords.mjs --read <folder>   one read, as JSON (used by the above)
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Tally } from '../../src/usage/localFigures';
import { RecordReader } from '../../src/usage/recordReader';
import { CACHE, ROOT } from './paths';
import { writeSessionRecords, type Generated } from './sessionRecords';

interface ReadFigures {
  readonly firstReadMs: number;
  readonly longestBlockMs: number;
  readonly heapAfterGcBytes: number;
  readonly rssGrowthBytes: number;
  readonly baselineHeapBytes: number;
  readonly appendToChangeMs: { readonly p50: number; readonly max: number; readonly runs: number };
  readonly tokens: { input: number; output: number; cacheCreation: number; cacheRead: number };
  readonly cost: number;
  readonly answers: number;
  readonly lines: number;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** One read of `root`'s records, in this process. */
async function readOnce(root: string): Promise<ReadFigures> {
  gc();
  const baselineHeap = process.memoryUsage().heapUsed;
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const tally = new Tally();
  const reader = new RecordReader({ folders: [path.join(root, 'projects')], tally, pollMs: 600_000 });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  await reader.start();
  const firstReadMs = performance.now() - started;
  delay.disable();
  clearInterval(sampler);
  gc();
  const heapAfterGc = process.memoryUsage().heapUsed;

  // A record appended, to the change event.
  const file = path.join(root, 'projects', '-home-dev-appended', 'appended.jsonl');
  mkdirSync(path.dirname(file), { recursive: true });
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const changed = new Promise<void>((resolve) => {
      const subscription = reader.onDidChange(() => {
        subscription.dispose();
        resolve();
      });
    });
    const line = JSON.stringify({ type: 'assistant', sessionId: 'appended', timestamp: new Date().toISOString(), cwd: '/home/dev/appended', requestId: `req_appended_${Date.now()}_${i}`, message: { id: `msg_appended_${Date.now()}_${i}`, model: 'claude-haiku-4-5', usage: { input_tokens: 1, output_tokens: 1 } } });
    const at = performance.now();
    appendFileSync(file, `${line}\n`);
    await changed;
    latencies.push(performance.now() - at);
  }
  rmSync(path.dirname(file), { recursive: true, force: true });
  reader.dispose();
  const sorted = latencies.sort((a, b) => a - b);
  const figures = tally.figures(Date.now());
  const sum = (pick: (t: (typeof figures.days)[number]['totals']['tokens']) => number) => figures.days.reduce((s, d) => s + pick(d.totals.tokens), 0);
  return {
    firstReadMs: Math.round(firstReadMs),
    longestBlockMs: Number((delay.max / 1e6).toFixed(1)),
    heapAfterGcBytes: heapAfterGc - baselineHeap,
    rssGrowthBytes: peakRss - baselineRss,
    baselineHeapBytes: baselineHeap,
    appendToChangeMs: { p50: Math.round(sorted[Math.floor(sorted.length / 2)]), max: Math.round(sorted[sorted.length - 1]), runs: sorted.length },
    tokens: { input: sum((t) => t.input) - 20, output: sum((t) => t.output) - 20, cacheCreation: sum((t) => t.cacheWrite5m + t.cacheWrite1h), cacheRead: sum((t) => t.cacheRead) },
    cost: figures.days.reduce((s, d) => s + d.totals.cost, 0),
    answers: tally.counted - 20,
    lines: reader.state.linesRead,
  };
}

/** The records folder for these parameters, written once. */
function recordsFolder(bytes: number, files: number): { root: string; generated: Generated } {
  const root = path.join(CACHE, 'bench-records', `${bytes}-${files}`);
  const meta = path.join(root, 'generated.json');
  if (existsSync(meta)) return { root, generated: JSON.parse(readFileSync(meta, 'utf8')) as Generated };
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`Writing ${(bytes / 1e9).toFixed(2)} GB of session records over ${files} files (once)…\n`);
  // Within the last 30 days of a fixed day, so the figures' 31 days hold them all.
  const generated = writeSessionRecords(root, { bytes, files, now: Date.now() - 86_400_000 });
  writeFileSync(meta, JSON.stringify(generated));
  return { root, generated };
}

function ccusageBinary(): string {
  const native = path.join(ROOT, 'node_modules', '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', 'ccusage');
  return existsSync(native) ? native : path.join(ROOT, 'node_modules', '.bin', 'ccusage');
}

/** ccusage over the same folder: wall time and its totals. */
function runCcusage(root: string): { ms: number; totals: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; totalCost: number } } {
  const home = path.join(os.tmpdir(), `ccusage-home-${process.pid}`);
  mkdirSync(home, { recursive: true });
  const started = performance.now();
  const run = spawnSync(ccusageBinary(), ['claude', 'daily', '--json', '--offline'], { env: { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: root }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  rmSync(home, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`ccusage failed: ${run.stderr}`);
  return { ms: Math.round(ms), totals: (JSON.parse(run.stdout) as { totals: ReturnType<typeof runCcusage>['totals'] }).totals };
}

function readInChild(root: string): Promise<ReadFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(ROOT, 'out', 'test', 'support', 'benchRecords.mjs'), '--read', root], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ReadFigures) : reject(new Error(`the read exited with ${code}`))));
  });
}

export async function benchRecords(options: { bytes?: number; files?: number } = {}): Promise<Record<string, unknown>> {
  const bytes = options.bytes ?? Number(process.env.BENCH_RECORDS_BYTES ?? 1e9);
  const files = options.files ?? Number(process.env.BENCH_RECORDS_FILES ?? 5000);
  const { root, generated } = recordsFolder(bytes, files);
  process.stdout.write('Reading the records: ours, then ccusage…\n');
  const ours = await readInChild(root);
  const theirs = runCcusage(root);
  const tokensEqual =
    ours.tokens.input === theirs.totals.inputTokens && ours.tokens.output === theirs.totals.outputTokens && ours.tokens.cacheCreation === theirs.totals.cacheCreationTokens && ours.tokens.cacheRead === theirs.totals.cacheReadTokens;
  const costDifference = (ours.cost - theirs.totals.totalCost) / theirs.totals.totalCost;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  const rows: [string, string, string][] = [
    [`records: ${(generated.bytes / 1e9).toFixed(2)} GB, ${generated.files} files, ${generated.answers} answers`, '', ''],
    ['first full read: ours', `${ours.firstReadMs} ms`, ours.firstReadMs <= 2 * theirs.ms ? `ok (within 2x of ccusage)` : 'OVER BUDGET'],
    ['first full read: ccusage (native)', `${theirs.ms} ms`, ''],
    ['longest event-loop block during our read', `${ours.longestBlockMs} ms`, ours.longestBlockMs <= 50 ? 'ok (<= 50 ms)' : 'OVER BUDGET'],
    ['JS heap of the figures after a full GC', `${mb(ours.heapAfterGcBytes)} MB`, ours.heapAfterGcBytes < 50 * 1024 * 1024 ? 'ok (< 50 MB)' : 'OVER BUDGET'],
    ['resident memory growth at the peak of the read', `${mb(ours.rssGrowthBytes)} MB`, ''],
    ['appended record to the change event, p50 / max (20)', `${ours.appendToChangeMs.p50} / ${ours.appendToChangeMs.max} ms`, ours.appendToChangeMs.max < 1000 ? 'ok (< 1 s, without reading again)' : 'OVER BUDGET'],
    ['token totals equal to ccusage', tokensEqual ? 'yes' : 'NO', ''],
    ['cost: ours / ccusage', `$${ours.cost.toFixed(2)} / $${theirs.totals.totalCost.toFixed(2)}`, `${(costDifference * 100).toFixed(1)}% (us. profiles 10% over global; 1-hour cache writes at 2x input)`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`${rows.map(([k, v, n]) => `${k.padEnd(width)}  ${v.padStart(18)}  ${n}`).join('\n')}\n`);
  return {
    records: { bytes: generated.bytes, files: generated.files, answers: generated.answers },
    ours: { firstReadMs: ours.firstReadMs, longestBlockMs: ours.longestBlockMs, heapAfterGcBytes: ours.heapAfterGcBytes, rssGrowthBytes: ours.rssGrowthBytes, appendToChangeMs: ours.appendToChangeMs, tokens: ours.tokens, cost: Number(ours.cost.toFixed(4)) },
    ccusage: { ms: theirs.ms, tokens: { input: theirs.totals.inputTokens, output: theirs.totals.outputTokens, cacheCreation: theirs.totals.cacheCreationTokens, cacheRead: theirs.totals.cacheReadTokens }, cost: Number(theirs.totals.totalCost.toFixed(4)) },
    tokensEqual,
    costDifferencePercent: Number((costDifference * 100).toFixed(2)),
  };
}

const at = process.argv.indexOf('--read');
if (at >= 0) {
  process.stdout.write(JSON.stringify(await readOnce(process.argv[at + 1])));
} else if (process.argv[1]?.endsWith('benchRecords.mjs')) {
  await benchRecords();
}
