// Claude Code's status line: what a window answers (the real broker on windows of the real
// session classes), the words the helper makes of it, and the helper itself in a process of its
// own: one line on stdout, nothing on stderr, exit 0, whatever is on stdin and whether or not
// VS Code is running.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker, type LineFacts } from '../../src/claudeCode/broker';
import { CALLS, type StatusLineAnswer } from '../../src/claudeCode/protocol';
import { clockWords, costWords, noAnswerText, readStatusLineAnswer, statusLineText, tokenWords } from '../../src/helper/statusLine';
import { askWindows } from '../../src/windows/client';
import { useMachine, type Window } from './sessionWorld';
import { until } from './windowsHelpers';

const HELPER = path.resolve(__dirname, '../../../dist/helper.js');
const MINUTE = 60_000;

function statusLineProcess(storage: string, stdin: string | undefined): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HELPER, '--storage', storage, 'statusline'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    // undefined: Claude Code keeps stdin open (the helper must not wait for it).
    if (stdin !== undefined) child.stdin.end(stdin);
    child.on('exit', (code) => {
      child.stdin.destroy();
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const ready = (over: Partial<StatusLineAnswer> = {}): StatusLineAnswer => ({ who: 'ana@example.com', state: '', quota: undefined, today: undefined, renewsAt: undefined, ...over });

describe("Claude Code's status line: the words", () => {
  it('shows who, the quota, today on this machine and when the keys renew, in one line', () => {
    const renewsAt = new Date(2026, 11, 5, 14, 5).getTime();
    assert.equal(
      statusLineText(ready({ quota: '62% quota left', today: { tokens: 1_234_567, cost: 4.123 }, renewsAt })),
      'Bedrock · ana@example.com · 62% quota left · today $4.12 · 1.2M tok · keys renew 14:05',
    );
    assert.equal(statusLineText(ready({ renewsAt })), 'Bedrock · ana@example.com · keys renew 14:05', 'no quota or usage: only what is known');
  });

  it('says a price it does not know as unknown, never as free', () => {
    assert.equal(statusLineText(ready({ today: { tokens: 850, cost: undefined } })), 'Bedrock · ana@example.com · today 850 tok · price unknown');
  });

  it('says what to do when the keys are not ready', () => {
    assert.equal(statusLineText({ who: undefined, state: 'signed out', quota: '62% quota left', today: undefined, renewsAt: undefined }), 'Bedrock · signed out — run Claude Bedrock: Sign In in VS Code');
    assert.equal(statusLineText({ who: undefined, state: 'sign-in needed', quota: undefined, today: undefined, renewsAt: undefined }), 'Bedrock · sign-in needed — run Claude Bedrock: Sign In in VS Code');
    assert.equal(statusLineText(ready({ state: 'blocked by quota', quota: '0% quota left', today: { tokens: 2e6, cost: 30 }, renewsAt: 1 })), 'Bedrock · ana@example.com · blocked by quota · 0% quota left · today $30.00 · 2M tok');
    assert.equal(noAnswerText('notRunning'), 'Bedrock · VS Code not running');
    assert.equal(noAnswerText('timeout'), 'Bedrock · VS Code not answering');
  });

  it('shows words from outside as plain text: no escape sequences, no second line, not endless', () => {
    const line = statusLineText(ready({ who: 'eve\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\nrm -rf ~\u001b[2J', quota: `${'x'.repeat(500)} left` }));
    assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]/);
    assert.match(line, /^Bedrock · eveclick rm -rf ~ · x+…$/);
    assert.ok(line.length < 160, `${line.length} characters`);
  });

  it('counts tokens and dollars in a few characters, and the clock as HH:MM local time', () => {
    assert.deepEqual([0, 999, 1000, 12_345, 123_456, 1_000_000, 45_600_000, 4.5e9].map(tokenWords), ['0 tok', '999 tok', '1k tok', '12k tok', '123k tok', '1M tok', '46M tok', '4.5B tok']);
    assert.deepEqual([0, 0.004, 4.125, 999.994, 1234.5].map(costWords), ['$0.00', '$0.00', '$4.13', '$999.99', '$1,235']);
    assert.equal(clockWords(new Date(2026, 0, 2, 9, 7).getTime()), '09:07');
  });

  it('reads an answer of the wrong shape as no answer, and a wrong field as absent', () => {
    assert.equal(readStatusLineAnswer(null), undefined);
    assert.equal(readStatusLineAnswer({ who: 'a' }), undefined);
    assert.deepEqual(readStatusLineAnswer({ who: 7, state: '', quota: ['x'], today: { tokens: -1 }, renewsAt: 'soon' }), { who: undefined, state: '', quota: undefined, today: undefined, renewsAt: undefined });
    assert.deepEqual(readStatusLineAnswer({ state: '', today: { tokens: 5, cost: Number.NaN } })?.today, { tokens: 5, cost: undefined });
  });
});

describe("Claude Code's status line: what a window answers", () => {
  const world = useMachine();

  async function windowWithBroker(lineFacts?: () => LineFacts): Promise<Window> {
    const w = await world.window();
    const broker = new Broker({ channel: w.channel, sessions: w.core, keys: w.keys, signIn: w.signIn, clock: world.m.clock, log: w.log, ...(lineFacts ? { lineFacts } : {}) });
    world.cleanup(() => broker.dispose());
    return w;
  }

  const ask = async () => (await askWindows(world.m.storageDir, CALLS.statusLine, null, 5_000)) as StatusLineAnswer;

  it('signed in: who, ready, and when the keys renew; no quota or usage without their source', async () => {
    const w = await windowWithBroker();
    const session = (await w.signIn.signIn())!;
    assert.deepEqual(await ask(), { who: 'alice@example.com', state: '', renewsAt: Date.parse(session.credentials.expiration) });
  });

  it('signed out: nobody, and the words for it', async () => {
    const w = await windowWithBroker();
    assert.deepEqual(await ask(), { state: 'signed out' });
    await w.signIn.signIn();
    await w.signIn.signOut();
    assert.deepEqual(await ask(), { state: 'signed out' });
  });

  it('hands on the quota and today\'s usage the window holds', async () => {
    let calls = 0;
    const w = await windowWithBroker(() => {
      calls++;
      return { quota: '62% quota left', today: { tokens: 1_200_000, cost: 4.12 } };
    });
    await w.signIn.signIn();
    const answer = await ask();
    assert.equal(calls, 1);
    assert.deepEqual([answer.quota, answer.today], ['62% quota left', { tokens: 1_200_000, cost: 4.12 }]);
  });

  it('still answers, with the session, when the quota and usage cannot be read', async () => {
    const w = await windowWithBroker(() => {
      throw new Error('usage not ready');
    });
    await w.signIn.signIn();
    const answer = await ask();
    assert.deepEqual([answer.who, answer.state, answer.quota, answer.today], ['alice@example.com', '', undefined, undefined]);
  });
});

describe("Claude Code's status line: blocked by quota", () => {
  const world = useMachine({ quotaApiUrl: 'https://quota.example.com/check' });

  it('says the quota blocks the keys', async () => {
    const w = await world.window();
    const broker = new Broker({ channel: w.channel, sessions: w.core, keys: w.keys, signIn: w.signIn, clock: world.m.clock, log: w.log });
    world.cleanup(() => broker.dispose());
    await w.signIn.signIn();
    world.m.quota.blocked.set('alice', { reason: 'daily_exceeded' });
    await world.m.clock.advance(30 * MINUTE);
    await until('the block', () => w.quota.verdict?.kind === 'blocked');
    const answer = (await askWindows(world.m.storageDir, CALLS.statusLine, null, 5_000)) as StatusLineAnswer;
    assert.deepEqual([answer.who, answer.state], ['alice@example.com', 'blocked by quota']);
  });
});

describe("Claude Code's status line: the helper", () => {
  const world = useMachine();

  it('prints one line naming the signed-in user, whatever is on stdin, and exits 0 with nothing on stderr', async () => {
    const w = await world.window();
    const broker = new Broker({ channel: w.channel, sessions: w.core, keys: w.keys, signIn: w.signIn, clock: world.m.clock, log: w.log });
    world.cleanup(() => broker.dispose());
    const session = (await w.signIn.signIn())!;
    const renew = clockWords(Date.parse(session.credentials.expiration));
    const stdin = JSON.stringify({ session_id: 's1', transcript_path: '/t.jsonl', model: { id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', display_name: 'Sonnet 4.5' }, cost: { total_cost_usd: 0.12 } });
    for (const input of [stdin, '', 'not json {', undefined]) {
      const out = await statusLineProcess(world.m.storageDir, input);
      assert.deepEqual([out.code, out.stderr], [0, ''], `stdin ${JSON.stringify(input)}`);
      assert.equal(out.stdout, `Bedrock · alice@example.com · keys renew ${renew}\n`);
    }
  });

  it('says VS Code is not running, at once, and exits 0', async () => {
    const nowhere = mkdtempSync(path.join(os.tmpdir(), 'no-vscode-'));
    try {
      const out = await statusLineProcess(nowhere, '{}');
      assert.deepEqual([out.code, out.stdout, out.stderr], [0, 'Bedrock · VS Code not running\n', '']);
      assert.ok(out.ms < 1_000, `${out.ms} ms`);
    } finally {
      rmSync(nowhere, { recursive: true, force: true });
    }
  });
});
