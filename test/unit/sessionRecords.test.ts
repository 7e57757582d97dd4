// Claude Code's session records, read as this machine's usage: one line at a time, defensively;
// priced from the one table; summed per day, model, project and session; and read from disk, the
// first time and as lines are appended, without holding up the event loop.
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tally } from '../../src/usage/localFigures';
import { costOf, priceOf } from '../../src/usage/prices';
import { RecordReader, recordFolders } from '../../src/usage/recordReader';
import { parseLine, type ParsedLine } from '../../src/usage/records';
import { answerLines } from './localUsage.test';
import { until } from './windowsHelpers';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'claudeCodeSession.jsonl'); // the source folder's: only scripts are copied to out/
const fixtureLines = () => readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean);

describe('session records, line by line', () => {
  it('reads an answer Claude Code 2.1.330 wrote as three records once, priced by the profile it asked for', () => {
    const parsed = fixtureLines().map(parseLine);
    const usage = parsed.filter((p): p is Extract<ParsedLine, { kind: 'usage' }> => p.kind === 'usage');
    assert.equal(usage.length, 3, 'one answer with three content blocks: three records');
    assert.equal(new Set(usage.map((u) => u.usage.key)).size, 1, 'all three carry the same key');
    assert.deepEqual(usage[0].usage.tokens, { input: 1001, output: 77, cacheWrite5m: 1500, cacheWrite1h: 500, cacheRead: 3000 });
    assert.equal(usage[0].usage.model, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.equal(parsed.filter((p) => p.kind === 'unreadable').length, 0, 'every other record type is ignored, not an error');
    const tally = new Tally();
    parsed.forEach((p) => tally.add(p));
    assert.deepEqual([tally.counted, tally.duplicates], [1, 2]);
  });

  it("puts our cost beside Claude Code's own for the same session, and the difference is the geographic premium", () => {
    const tally = new Tally({ dayOf: () => '2026-12-05' });
    fixtureLines().map(parseLine).forEach((p) => tally.add(p));
    const [session] = tally.figures(Date.parse('2026-12-05T06:00:00Z')).sessions;
    assert.equal(session.claudeCost, 0.013683);
    // Claude Code prices at the base (global) list price; Bedrock charges a us. profile 10% more.
    assert.ok(Math.abs(session.totals.cost - session.claudeCost! * 1.1) < 1e-9, `${session.totals.cost} vs ${session.claudeCost}`);
  });

  it('ignores unknown types and fields, waits for nothing, and never throws on what it cannot read', () => {
    assert.deepEqual(parseLine('{"type":"a-record-from-the-future","x":1}'), { kind: 'ignored' });
    assert.deepEqual(parseLine('{"type":"assistant","message":{"model":"<synthetic>","usage":{}},"sessionId":"s","timestamp":"2026-12-05T00:00:00Z"}'), { kind: 'ignored' });
    assert.deepEqual(parseLine('{"type":"assistant", "message": '), { kind: 'unreadable' });
    assert.deepEqual(parseLine('not json at all'), { kind: 'unreadable' });
    assert.deepEqual(parseLine('{"type":"assistant","message":[]}'), { kind: 'unreadable' });
    const bare = parseLine('{"type":"assistant","sessionId":"s","timestamp":"2026-12-05T00:00:00Z","message":{"id":"m","model":"claude-haiku-4-5","usage":{"output_tokens":"many","new_field":{}}}}');
    assert.ok(bare.kind === 'usage');
    assert.deepEqual(bare.usage.tokens, { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
  });
});

describe('Bedrock prices', () => {
  it('prices profile IDs, model IDs and ARNs, a geographic profile 10% over global, and an unknown model as unknown', () => {
    const global = priceOf('global.anthropic.claude-sonnet-4-5-20250929-v1:0')!;
    const expected = { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 };
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) assert.ok(Math.abs(global[key] - expected[key]) < 1e-9, key);
    assert.ok(Math.abs(priceOf('us.anthropic.claude-sonnet-4-5-20250929-v1:0')!.input - 3.3) < 1e-9);
    assert.equal(priceOf('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-1-20250805-v1:0')!.output, 75, 'older models cost the same everywhere');
    assert.equal(priceOf('anthropic.claude-future-9'), undefined);
    assert.equal(priceOf('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc'), undefined, 'resolved by the caller first');
    assert.equal(priceOf('us.anthropic.claude-sonnet-4-5-20250929-v1:0', { 'claude-sonnet-4-5': { input: 2 } })!.input, 2);
    const tokens = { input: 1_000_000, output: 0, cacheWrite5m: 0, cacheWrite1h: 1_000_000, cacheRead: 0 };
    assert.equal(costOf(tokens, global), 3 + 6, 'a 1-hour cache write at twice the input price');
  });
});

describe("this machine's figures", () => {
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  const now = Date.parse('2026-12-05T15:00:00Z');
  const line = (o: Parameters<typeof answerLines>[0]) => answerLines(o).split('\n').filter(Boolean).map(parseLine);

  it('sums today, the last hour, days, models, projects and sessions, and prices them again when routes change', () => {
    const app = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-a';
    const tally = new Tally({ dayOf: day });
    [
      ...line({ session: 'a', id: '1', at: now - 30 * 60_000, input: 1_000_000, output: 0, cwd: '/work/shop', model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' }),
      ...line({ session: 'a', id: '2', at: now - 3 * 3_600_000, input: 0, output: 1_000_000, cacheRead: 1_000_000, cwd: '/work/shop', model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' }),
      ...line({ session: 'b', id: '3', at: now - 86_400_000, input: 1_000_000, output: 0, cwd: '/work/infra', model: app }),
    ].forEach((p) => tally.add(p));
    const f = tally.figures(now);
    assert.equal(f.today.requests, 2);
    assert.equal(f.today.cost, 3 + 15 + 0.3);
    assert.equal(f.lastHour.cost, 3);
    assert.deepEqual(f.days.map((d) => d.day), ['2026-12-04', '2026-12-05']);
    assert.deepEqual(f.unpricedModels, [app], 'an application profile the check has not resolved: price unknown, not free');
    assert.equal(f.days[0].totals.unpriced, 1);
    assert.deepEqual(f.sessions.map((s) => [s.id, s.lastHourCost]), [['a', 3], ['b', 0]]);
    assert.deepEqual(f.projects.map((p) => p.project), ['/work/shop', '/work/infra']);
    assert.equal(f.cache.hitRate, 1_000_000 / 3_000_000);
    assert.ok(Math.abs(f.cache.saved - 2.7) < 1e-9, 'a million tokens read from the cache at $0.30 instead of $3');
    tally.setOptions({ dayOf: day, resolve: (m) => (m === app ? 'anthropic.claude-haiku-4-5-20251001-v1:0' : m) });
    const again = tally.figures(now);
    assert.deepEqual(again.unpricedModels, []);
    assert.ok(Math.abs(again.days[0].totals.cost - 1.1) < 1e-9, 'priced as the Haiku it routes to');
  });
});

describe('reading the records from disk', () => {
  let root: string;
  const readers: RecordReader[] = [];
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'records-'))));
  afterEach(() => {
    readers.splice(0).forEach((r) => r.dispose());
    rmSync(root, { recursive: true, force: true });
  });

  function reader(folders: string[], sliceMs?: number) {
    const tally = new Tally();
    const r = new RecordReader({ folders, tally, sliceMs, pollMs: 60_000 });
    readers.push(r);
    return { reader: r, tally, requests: () => tally.figures(Date.now()).today.requests };
  }

  it("finds the folders: each of CLAUDE_CONFIG_DIR's, else ~/.claude's and ~/.config/claude's", () => {
    assert.deepEqual(recordFolders({ CLAUDE_CONFIG_DIR: '/a, /b' }, '/home/dev'), ['/a/projects', '/b/projects']);
    assert.deepEqual(recordFolders({}, '/home/dev'), ['/home/dev/.claude/projects', '/home/dev/.config/claude/projects']);
  });

  it('reads everything first, then each appended line within a second, waiting for a half-written one', async () => {
    const folder = path.join(root, 'one', 'projects');
    mkdirSync(path.join(folder, '-p', 's1', 'subagents'), { recursive: true });
    const file = path.join(folder, '-p', 's1.jsonl');
    writeFileSync(file, answerLines({ session: 's1', id: 'a', at: Date.now(), input: 1, output: 1, blocks: 2 }));
    writeFileSync(path.join(folder, '-p', 's1', 'subagents', 'agent-1.jsonl'), answerLines({ session: 's1', id: 'sub', at: Date.now(), input: 1, output: 1 }));
    const { reader: r, requests } = reader([folder, path.join(root, 'two', 'projects')]);
    await r.start();
    assert.equal(requests(), 2, 'the session and its subagent, each answer once');
    assert.deepEqual(r.state.folders, [folder]);
    const next = answerLines({ session: 's1', id: 'b', at: Date.now(), input: 1, output: 1 });
    appendFileSync(file, next.slice(0, 30));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(requests(), 2, 'half a line is not counted');
    assert.equal(r.state.skipped, 0, 'nor called unreadable');
    const started = Date.now();
    appendFileSync(file, next.slice(30));
    await until('the finished line', () => requests() === 3, 1_000);
    assert.ok(Date.now() - started < 1_000);
  });

  it('keeps a deleted file, reads a truncated one again without counting twice, and finds a folder that appears later', async () => {
    const folder = path.join(root, 'projects');
    const { reader: r, requests } = reader([folder]);
    await r.start();
    assert.deepEqual(r.state.folders, []);
    mkdirSync(path.join(folder, '-p'), { recursive: true });
    const file = path.join(folder, '-p', 's.jsonl');
    writeFileSync(file, answerLines({ session: 's', id: 'a', at: Date.now(), input: 1, output: 1 }) + answerLines({ session: 's', id: 'b', at: Date.now(), input: 1, output: 1 }));
    await until('the new folder read', () => requests() === 2, 5_000);
    truncateSync(file, 0);
    writeFileSync(file, answerLines({ session: 's', id: 'a', at: Date.now(), input: 1, output: 1 }));
    appendFileSync(file, answerLines({ session: 's', id: 'c', at: Date.now(), input: 1, output: 1 }));
    await until('the rewritten file read', () => requests() === 3, 5_000);
    unlinkSync(file);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(requests(), 3, "a deleted session's usage stays");
  });

  it('lets the event loop run while it reads a large history (the longest block is measured by npm run bench)', async function () {
    this.timeout(60_000);
    const folder = path.join(root, 'projects');
    const filler = JSON.stringify({ type: 'user', message: { role: 'user', content: 'x'.repeat(2_000) } });
    for (let f = 0; f < 40; f++) {
      mkdirSync(path.join(folder, `-p${f % 4}`), { recursive: true });
      const lines: string[] = [];
      for (let i = 0; i < 600; i++) lines.push(filler, answerLines({ session: `s${f}`, id: `${f}-${i}`, at: Date.now() - i * 1000, input: 10, output: 5, blocks: 2 }).trimEnd());
      writeFileSync(path.join(folder, `-p${f % 4}`, `s${f}.jsonl`), `${lines.join('\n')}\n`);
    }
    // A slice of 1 ms: the reader must hand the event loop back many times over 50 MB.
    const { reader: r, requests } = reader([folder], 1);
    let turns = 0;
    let running = true;
    const spin = () => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    await r.start();
    running = false;
    assert.equal(r.state.linesRead, 40 * 600 * 3);
    assert.equal(requests(), 40 * 600, 'each answer once');
    assert.ok(turns > 20, `the event loop ran ${turns} times during the read`);
  });
});
