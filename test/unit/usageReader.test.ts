// Reading Claude Code's session record folders: the first read, live appends, half lines, deleted,
// truncated and late folders, CLAUDE_CONFIG_DIR, and the event loop kept free.
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tally } from '../../src/usage/localFigures';
import { RecordReader, recordFolders } from '../../src/usage/recordReader';
import { answerLines, costStateLine, userLine, writeSessionSet } from '../support/sessionRecords';

const NONE = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
const MODEL = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';

function answer(id: string, input: number, sessionId = 's1'): string {
  return `${answerLines({ sessionId, at: Date.now(), model: MODEL, messageId: `msg_${id}`, requestId: `req_${id}`, usage: { ...NONE, input }, blocks: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }).join('\n')}\n`;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('session records reader', () => {
  let dir: string;
  let readers: RecordReader[];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'records-'));
    readers = [];
  });
  afterEach(() => {
    for (const reader of readers) reader.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  function reader(folders: string[], tally = new Tally()): { reader: RecordReader; tally: Tally; changes: () => number } {
    const made = new RecordReader({ folders, tally, pollMs: 60_000 });
    readers.push(made);
    let changes = 0;
    made.onDidChange(() => changes++);
    return { reader: made, tally, changes: () => changes };
  }

  function input(tally: Tally): number {
    return tally.figures(Date.now()).today.tokens.input;
  }

  it('finds the folders: CLAUDE_CONFIG_DIR entries, else ~/.claude and ~/.config/claude', () => {
    assert.deepEqual(recordFolders({}, '/home/dev'), ['/home/dev/.claude/projects', '/home/dev/.config/claude/projects']);
    assert.deepEqual(recordFolders({ CLAUDE_CONFIG_DIR: '/a, ~/b ,' }, '/home/dev'), ['/a/projects', '/home/dev/b/projects']);
  });

  it('reads every session file below projects/, subagents included, then sees an appended answer within a second', async () => {
    const projects = path.join(dir, 'projects');
    mkdirSync(path.join(projects, '-p', 's1', 'subagents'), { recursive: true });
    writeFileSync(path.join(projects, '-p', 's1.jsonl'), userLine('s1', Date.now(), 'hi') + '\n' + answer('1', 100) + costStateLine({ sessionId: 's1', totalCostUSD: 0.5 }) + '\n');
    writeFileSync(path.join(projects, '-p', 's1', 'subagents', 'agent-1.jsonl'), answer('2', 20));
    const { reader: r, tally, changes } = reader([projects]);
    await r.start();
    assert.equal(input(tally), 120);
    assert.equal(r.state.files, 2);
    assert.equal(r.state.firstReadDone, true);
    assert.deepEqual(r.state.versions, ['2.1.330']);
    assert.equal(tally.duplicates, 2);
    const before = changes();
    const appendedAt = Date.now();
    appendFileSync(path.join(projects, '-p', 's1.jsonl'), answer('3', 5));
    await waitFor('the appended answer', () => input(tally) === 125 && changes() > before, 1000);
    assert.ok(Date.now() - appendedAt < 1000);
  });

  it('waits for a half-written line, then counts it; garbage lines are skipped', async () => {
    const projects = path.join(dir, 'projects');
    mkdirSync(path.join(projects, '-p'), { recursive: true });
    const file = path.join(projects, '-p', 's1.jsonl');
    const whole = answer('1', 7).split('\n')[0];
    writeFileSync(file, 'this is not json\n' + whole.slice(0, 50));
    const { reader: r, tally } = reader([projects]);
    await r.start();
    assert.equal(input(tally), 0);
    assert.equal(r.state.skipped, 1, 'the garbage line, not the half line');
    appendFileSync(file, whole.slice(50) + '\n');
    await waitFor('the finished line', () => input(tally) === 7);
    assert.equal(r.state.skipped, 1);
  });

  it('keeps a deleted file figures and reads a truncated file again without counting twice', async () => {
    const projects = path.join(dir, 'projects');
    mkdirSync(path.join(projects, '-p'), { recursive: true });
    const gone = path.join(projects, '-p', 'gone.jsonl');
    const cut = path.join(projects, '-p', 'cut.jsonl');
    writeFileSync(gone, answer('g', 1000, 'gone'));
    writeFileSync(cut, answer('c1', 10, 'cut') + answer('c2', 20, 'cut'));
    const { reader: r, tally } = reader([projects]);
    await r.start();
    assert.equal(input(tally), 1030);
    rmSync(gone);
    truncateSync(cut, 0);
    appendFileSync(cut, answer('c1', 10, 'cut') + answer('c3', 300, 'cut'));
    await waitFor('the rewritten file', () => input(tally) === 1330);
    assert.equal(tally.figures(Date.now()).sessions.length, 2);
  });

  it('reads two CLAUDE_CONFIG_DIR folders and a projects/ folder that appears after start', async () => {
    const first = path.join(dir, 'one');
    const second = path.join(dir, 'two');
    mkdirSync(path.join(first, 'projects', '-p'), { recursive: true });
    mkdirSync(second);
    writeFileSync(path.join(first, 'projects', '-p', 'a.jsonl'), answer('a', 1, 'a'));
    const folders = recordFolders({ CLAUDE_CONFIG_DIR: `${first},${second}` }, dir);
    const { reader: r, tally } = reader(folders);
    await r.start();
    assert.equal(input(tally), 1);
    assert.deepEqual(r.state.folders, [path.join(first, 'projects')]);
    mkdirSync(path.join(second, 'projects', '-q'), { recursive: true });
    writeFileSync(path.join(second, 'projects', '-q', 'b.jsonl'), answer('b', 2, 'b'));
    await waitFor('the new folder', () => input(tally) === 3);
    appendFileSync(path.join(second, 'projects', '-q', 'b.jsonl'), answer('b2', 4, 'b'));
    await waitFor('an append in the new folder', () => input(tally) === 7);
    assert.equal(r.state.folders.length, 2);
  });

  it('hands the event loop back again and again during the first read of a generated set (the 50 ms budget is measured by npm run bench)', async function () {
    this.timeout(120_000);
    const projects = path.join(dir, 'projects');
    const set = writeSessionSet(projects, { bytes: Number(process.env.READER_TEST_BYTES ?? 50 * 1024 * 1024), files: 250 });
    // Slices of 1 ms: a reader that counted a whole file, or all of them, without yielding would let few turns through.
    const tally = new Tally();
    const made = new RecordReader({ folders: [projects], tally, sliceMs: 1, pollMs: 60_000 });
    readers.push(made);
    let turns = 0;
    let reading = true;
    const turn = () => {
      turns++;
      if (reading) setImmediate(turn);
    };
    setImmediate(turn);
    await made.start();
    reading = false;
    assert.equal(tally.counted, set.answers);
    assert.ok(turns > 100, `the event loop turned ${turns} times during a read of ${set.files} files`);
  });
});
