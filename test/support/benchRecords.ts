// The session-records benchmark: our reader against ccusage on the same generated folder.
//
//   node out/test/support/benchRecords.mjs     (after node esbuild.mjs --tests)
//   BENCH_RECORDS_BYTES=100000000 BENCH_RECORDS_FILES=500 to shrink it
//
// Generates records shaped like Claude Code's (sessionRecords.ts, fixed seed) once into
// .vscode-test/bench-records/<bytes>-<files>/, then measures, in one run: our first full read
// (time, resident memory growth, the tally's heap, the longest event-loop block), an appended
// record to onDidChange (p50 and max of 20), and `ccusage claude daily --json --offline` on the
// same folder (wall time). Token totals must be equal; cost is compared per model, and the
// difference explained: ccusage prices the model the answer names at Anthropic's list price,
// we price the Bedrock profile asked for, 10% more for geographic (us.) profiles of the models
// from Sonnet 4.5 on.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Tally, type Totals } from '../../src/usage/localFigures';
import { priceOf } from '../../src/usage/prices';
import { RecordReader } from '../../src/usage/recordReader';
import { CACHE, ROOT } from './paths';
import { answerLines, writeSessionSet, type GeneratedSet } from './sessionRecords';

const LATENCY_SAMPLES = 20;

function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
}

/** The generated folder for these parameters, made once. */
function generated(bytes: number, files: number): { config: string; set: GeneratedSet } {
  const config = path.join(ROOT, '.vscode-test', 'bench-records', `${bytes}-${files}`);
  const done = path.join(config, 'generated.json');
  if (existsSync(done)) return { config, set: JSON.parse(readFileSync(done, 'utf8')) as GeneratedSet };
  rmSync(config, { recursive: true, force: true });
  const started = Date.now();
  const set = writeSessionSet(path.join(config, 'projects'), { bytes, files });
  writeFileSync(done, JSON.stringify(set));
  process.stdout.write(`Generated ${mb(set.bytes)} MB in ${set.files} files (${set.answers} answers) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return { config, set };
}

interface CcusageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalCost: number;
}

/** ccusage's version the bench measures, and its native build for this platform (installed once under .vscode-test/). */
const CCUSAGE_VERSION = '20.0.24';

function ccusageBinary(): string {
  const dir = path.join(CACHE, 'ccusage');
  const name = `@ccusage/ccusage-${process.platform}-${process.arch}`;
  const binary = path.join(dir, 'node_modules', name, 'bin', process.platform === 'win32' ? 'ccusage.exe' : 'ccusage');
  if (existsSync(binary)) return binary;
  process.stdout.write(`Installing ccusage ${CCUSAGE_VERSION} (its native build, ${name}) into ${dir}, once…\n`);
  mkdirSync(dir, { recursive: true });
  const installed = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `${name}@${CCUSAGE_VERSION}`], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (installed.status !== 0 || !existsSync(binary)) throw new Error(`ccusage could not be installed from the npm registry (${name}@${CCUSAGE_VERSION}).`);
  // The platform package is not installed as a command of its own: it gets no execute bit.
  chmodSync(binary, 0o755);
  return binary;
}

function runCcusage(config: string): { ms: number; totals: CcusageTotals; models: Map<string, number> } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bench-ccusage-home-'));
  try {
    const binary = ccusageBinary();
    const started = performance.now();
    const result = spawnSync(binary, ['claude', 'daily', '--json', '--offline', '--mode', 'calculate'], {
      env: { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: config, TZ: process.env.TZ },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`ccusage failed: ${result.stderr}`);
    const report = JSON.parse(result.stdout) as { totals: CcusageTotals; daily: { modelBreakdowns: { modelName: string; cost: number }[] }[] };
    const models = new Map<string, number>();
    for (const day of report.daily) for (const m of day.modelBreakdowns) models.set(m.modelName, (models.get(m.modelName) ?? 0) + m.cost);
    return { ms, totals: report.totals, models };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function sumTotals(list: readonly Totals[]): { input: number; output: number; cacheWrite: number; cacheRead: number; cost: number; requests: number } {
  const sum = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, cost: 0, requests: 0 };
  for (const t of list) {
    sum.input += t.tokens.input;
    sum.output += t.tokens.output;
    sum.cacheWrite += t.tokens.cacheWrite5m + t.tokens.cacheWrite1h;
    sum.cacheRead += t.tokens.cacheRead;
    sum.cost += t.cost;
    sum.requests += t.requests;
  }
  return sum;
}

interface OurRead {
  readonly tally: Tally;
  readonly reader: RecordReader;
  readonly firstReadMs: number;
  readonly rssGrowthBytes: number;
  readonly tallyHeapBytes: number;
  readonly longestBlockMs: number;
  readonly loopDelayMaxMs: number;
  readonly longestGcMs: number;
}

/** Every record in one bucket (a constant day), so the per-model figures cover the whole set. */
async function allTimeByModel(config: string): Promise<{ model: string; totals: Totals }[]> {
  const tally = new Tally({ dayOf: () => 'all' });
  const reader = new RecordReader({ folders: [path.join(config, 'projects')], tally });
  await reader.start();
  reader.dispose();
  return [...tally.figures(0).models];
}

async function measureOurs(config: string): Promise<OurRead> {
  collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let rssPeak = rssBefore;
  const tally = new Tally();
  const reader = new RecordReader({ folders: [path.join(config, 'projects')], tally });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let longest = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 5);
    last = now;
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 5);
  let longestGc = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGc = Math.max(longestGc, entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  delay.enable();
  const started = performance.now();
  await reader.start();
  gcObserver.disconnect();
  const firstReadMs = performance.now() - started;
  delay.disable();
  clearInterval(probe);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  collectGarbage();
  const heapAfter = process.memoryUsage().heapUsed;
  return { tally, reader, firstReadMs, rssGrowthBytes: rssPeak - rssBefore, tallyHeapBytes: heapAfter - heapBefore, longestBlockMs: longest, loopDelayMaxMs: delay.max / 1e6, longestGcMs: longestGc };
}

async function measureLatency(config: string, tally: Tally, reader: RecordReader): Promise<number[]> {
  const folder = path.join(config, 'projects', '-home-dev-projects-live');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `live-${Date.now()}.jsonl`);
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const counted = tally.counted;
    const seen = new Promise<number>((resolve) => {
      const subscription = reader.onDidChange(() => {
        if (tally.counted > counted) {
          subscription.dispose();
          resolve(performance.now());
        }
      });
    });
    const line = answerLines({ sessionId: 'live', at: Date.now(), model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', messageId: `msg_live_${Date.now()}_${i}`, requestId: `live-${i}`, usage: { input: 1, output: 1, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 } });
    const written = performance.now();
    appendFileSync(file, `${line.join('\n')}\n`);
    const deadline = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('an appended record did not arrive within 5 s')), 5000));
    samples.push((await Promise.race([seen, deadline])) - written);
  }
  rmSync(folder, { recursive: true, force: true });
  return samples;
}

export async function benchRecords(options: { bytes?: number; files?: number } = {}): Promise<Record<string, unknown>> {
  const bytes = options.bytes ?? Number(process.env.BENCH_RECORDS_BYTES ?? 1024 * 1024 * 1024);
  const files = options.files ?? Number(process.env.BENCH_RECORDS_FILES ?? 5000);
  const { config, set } = generated(bytes, files);
  // ccusage first, once to warm the page cache for both, then measured.
  runCcusage(config);
  const ccusage = runCcusage(config);
  const ours = await measureOurs(config);
  const figures = ours.tally.figures(Date.now());
  const totals = sumTotals(figures.days.map((d) => d.totals));
  const latency = await measureLatency(config, ours.tally, ours.reader);
  ours.reader.dispose();

  const tokensEqual =
    totals.input === ccusage.totals.inputTokens &&
    totals.output === ccusage.totals.outputTokens &&
    totals.cacheWrite === ccusage.totals.cacheCreationTokens &&
    totals.cacheRead === ccusage.totals.cacheReadTokens;
  const costDifference = (totals.cost - ccusage.totals.totalCost) / ccusage.totals.totalCost;
  const perModel = (await allTimeByModel(config)).map((m) => {
    const global = priceOf(m.model.replace(/^(us|eu|apac|jp|au)\./, 'global.'));
    const ours = priceOf(m.model);
    return { model: m.model, ourCost: m.totals.cost, ourInputPrice: ours?.input, globalInputPrice: global?.input };
  });
  // Our cost with every profile priced as global: what remains beside ccusage's is the table, not the premium.
  const atGlobalPrices = perModel.reduce((sum, m) => sum + (m.ourInputPrice && m.globalInputPrice ? (m.ourCost * m.globalInputPrice) / m.ourInputPrice : 0), 0);
  const atGlobalDifference = (atGlobalPrices - ccusage.totals.totalCost) / ccusage.totals.totalCost;
  const result = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
    generated: set,
    ours: {
      firstReadMs: Math.round(ours.firstReadMs),
      rssGrowthMB: Number(mb(ours.rssGrowthBytes)),
      tallyHeapMB: Number(mb(ours.tallyHeapBytes)),
      longestBlockMs: Number(ours.longestBlockMs.toFixed(1)),
      loopDelayMaxMs: Number(ours.loopDelayMaxMs.toFixed(1)),
      longestGcPauseMs: Number(ours.longestGcMs.toFixed(1)),
      snapshotBytes: JSON.stringify(figures).length,
      appendToChangeMs: { p50: Math.round(percentile(latency, 0.5)), max: Math.round(Math.max(...latency)) },
      requests: totals.requests,
      cost: Number(totals.cost.toFixed(2)),
    },
    ccusage: { ms: Math.round(ccusage.ms), totals: ccusage.totals, perModelCost: Object.fromEntries([...ccusage.models].map(([k, v]) => [k, Number(v.toFixed(2))])) },
    tokensEqual,
    costDifferencePercent: Number((costDifference * 100).toFixed(2)),
    costAtGlobalPricesDifferencePercent: Number((atGlobalDifference * 100).toFixed(3)),
    perModel,
  };
  const table: [string, string, string][] = [
    ['generated', `${mb(set.bytes)} MB, ${set.files} files`, `${set.answers} answers`],
    ['first full read, ours', `${result.ours.firstReadMs} ms`, result.ours.firstReadMs <= 2 * ccusage.ms ? 'ok (within 2x ccusage)' : 'OVER BUDGET'],
    ['ccusage claude daily --offline', `${result.ccusage.ms} ms`, ''],
    ['longest event-loop block during the read', `${result.ours.longestBlockMs} ms`, result.ours.longestBlockMs < 50 ? 'ok (< 50 ms)' : 'OVER BUDGET'],
    ['  of which the longest garbage collection', `${result.ours.longestGcPauseMs} ms`, ''],
    ['peak resident memory growth', `${result.ours.rssGrowthMB} MB`, ''],
    ['heap kept by the figures (after GC)', `${result.ours.tallyHeapMB} MB`, result.ours.tallyHeapMB < 50 ? 'ok (< 50 MB)' : 'OVER BUDGET'],
    ['figures snapshot (JSON)', `${(result.ours.snapshotBytes / 1024).toFixed(1)} KB`, result.ours.snapshotBytes < 64 * 1024 ? 'ok (< 64 KB)' : 'OVER BUDGET'],
    ['appended record to onDidChange p50 / max', `${result.ours.appendToChangeMs.p50} / ${result.ours.appendToChangeMs.max} ms`, result.ours.appendToChangeMs.max < 1000 ? 'ok (< 1 s)' : 'OVER BUDGET'],
    ['token totals equal to ccusage', tokensEqual ? 'yes' : 'NO', ''],
    ['cost, ours / ccusage', `$${result.ours.cost} / $${ccusage.totals.totalCost.toFixed(2)}`, `${result.costDifferencePercent}% (geographic profiles +10% from Sonnet 4.5 on)`],
    ['cost with every profile at its global price', `$${atGlobalPrices.toFixed(2)}`, Math.abs(atGlobalDifference) < 0.02 ? `${result.costAtGlobalPricesDifferencePercent}% from ccusage: ok (< 2%)` : 'DIFFERS'],
  ];
  const width = Math.max(...table.map((r) => r[0].length));
  process.stdout.write(`\n${table.map(([k, v, n]) => `${k.padEnd(width)}  ${v.padStart(22)}  ${n}`).join('\n')}\n`);
  for (const m of perModel) process.stdout.write(`  ${m.model}: ours $${m.ourCost.toFixed(2)} at $${m.ourInputPrice}/M input (global price $${m.globalInputPrice})\n`);
  process.stdout.write(`  ccusage per model: ${JSON.stringify(result.ccusage.perModelCost)}\n`);
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('support', 'benchRecords.mjs'))) {
  const result = await benchRecords();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
