// Usage on this machine from Claude Code's own session records: the real CLI, in a terminal and
// the way the panel runs it, answered by the emulator's Bedrock with usage the test chooses
// (cache fields included); the status bar and the dashboard show exactly those tokens at the
// price table's cost, live. Records written by hand stand for what the CLI may also leave: a
// half-written last line, a record type nobody knows, a session file deleted afterwards. The
// extension host here is the VS Code server's: the records read are those where it runs.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { costOf, priceOf } from '../../src/usage/prices';
import type { LocalFigures } from '../../src/usage/localFigures';
import type { Tokens } from '../../src/usage/records';
import { aws, claudeAsThePanel, claudeCodeIntegration, harness, runInTerminal, signInAs, ui, useBedrockReply, useClaudeSettingsFile, useExtension, useTerminals, waitFor } from './helpers';

/** What every answer of the emulator's Bedrock says it used. */
const USAGE = {
  input_tokens: 1_200,
  output_tokens: 300,
  cache_creation_input_tokens: 2_000,
  cache_read_input_tokens: 50_000,
  cache_creation: { ephemeral_5m_input_tokens: 1_500, ephemeral_1h_input_tokens: 500 },
};
const PER_ANSWER: Tokens = { input: 1_200, output: 300, cacheWrite5m: 1_500, cacheWrite1h: 500, cacheRead: 50_000 };

const sum = (t: Tokens) => t.input + t.output + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead;
const times = (t: Tokens, n: number): Tokens => ({ input: t.input * n, output: t.output * n, cacheWrite5m: t.cacheWrite5m * n, cacheWrite1h: t.cacheWrite1h * n, cacheRead: t.cacheRead * n });
const minus = (a: Tokens, b: Tokens): Tokens => ({ input: a.input - b.input, output: a.output - b.output, cacheWrite5m: a.cacheWrite5m - b.cacheWrite5m, cacheWrite1h: a.cacheWrite1h - b.cacheWrite1h, cacheRead: a.cacheRead - b.cacheRead });

/** An answer as Claude Code records it, for records written by hand. */
function answerLine(sessionId: string, id: string, cwd: string): string {
  return JSON.stringify({
    type: 'assistant',
    sessionId,
    timestamp: new Date().toISOString(),
    cwd,
    gitBranch: 'main',
    version: '2.1.330',
    isSidechain: false,
    requestId: `req_${id}`,
    message: { id: `msg_${id}`, model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', role: 'assistant', content: [{ type: 'text', text: 'x' }], usage: { input_tokens: 100, output_tokens: 10 } },
  });
}

describe("usage on this machine, from Claude Code's own records", () => {
  const testApi = useExtension();
  const terminals = useTerminals();
  // Connected in a test: disconnected again after it.
  useClaudeSettingsFile(testApi);
  useBedrockReply('Counted.');
  beforeEach(() => aws.usage(USAGE));

  before(function () {
    if (!harness.hasBrowserBridge()) this.skip();
  });

  const figures = () => testApi.localUsage().figures;

  /** Waits until this machine's figures count `requests` more requests today than `before`. */
  const grown = (before: LocalFigures, requests: number) =>
    waitFor(`${requests} more requests in the figures`, () => {
      const now = figures();
      return now && now.today.requests >= before.today.requests + requests ? now : undefined;
    }, 30_000);

  it('shows exactly what claude in a terminal used, at the price table\'s cost, on the status bar and the open dashboard', async function () {
    this.timeout(300_000);
    await signInAs('alice');
    await testApi.terminalsUpdated();
    const before = await waitFor('the records read', figures);
    await vscode.commands.executeCommand('claudeBedrock.showUsage');
    await waitFor('the dashboard', () => testApi.dashboardHtml()?.includes('This machine, live'));

    const shell = terminals.open('usage');
    const run = await runInTerminal(shell, 'claude -p "Count this" --output-format json');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const sessionId = (JSON.parse(run.stdout) as { session_id: string }).session_id;
    const session = await waitFor('the session in the figures', () => figures()?.sessions.find((s) => s.id === sessionId && s.claudeCost !== undefined), 30_000);
    const answers = session.totals.requests;
    assert.ok(answers >= 1, 'the session made at least one request');
    assert.deepEqual(session.totals.tokens, times(PER_ANSWER, answers), 'the tokens Bedrock reported, each answer once');
    const models = session.models;
    const price = priceOf(models[0]);
    assert.ok(price, `the table prices ${models[0]}`);
    const expected = costOf(times(PER_ANSWER, answers), price);
    assert.ok(Math.abs(session.totals.cost - expected) < 1e-9, `cost ${session.totals.cost} is the table's ${expected}`);

    // Today's figures hold every Claude Code on the machine (an earlier test's may still be writing): they grew by at least this session's.
    const after = figures()!;
    const grew = minus(after.today.tokens, before.today.tokens);
    const session5m = times(PER_ANSWER, answers);
    assert.ok(sum(grew) >= sum(session5m) && grew.cacheWrite1h >= session5m.cacheWrite1h, `today grew by ${JSON.stringify(grew)}`);
    const item = await waitFor('the status bar to show today', () => {
      const view = testApi.usageStatus();
      return view?.text.includes(`$${figures()!.today.cost.toFixed(2)} today`) ? view : undefined;
    });
    assert.match(item.tooltip, /This machine, live \(Claude Code's own records\):/);
    assert.match(item.tooltip, new RegExp(`Today: \\$${after.today.cost.toFixed(2)} for `));

    // The dashboard, open all along, has the session's row.
    await waitFor('the session on the dashboard', () => testApi.dashboardHtml()?.includes(`data-session="${sessionId}"`));
    const cells = await waitFor('the row in the webview', async () => (await ui.webviewText(`[data-session="${sessionId}"] [data-cell="cost"]`).catch(() => '')) || undefined, 30_000);
    assert.equal(cells, `$${session.totals.cost.toFixed(2)}`);
    assert.equal(await ui.webviewText('[data-figure="local-today-tokens"]'), sum(figures()!.today.tokens).toLocaleString('en-US'));
  });

  it('counts what Claude Code run the way the panel runs it used', async function () {
    this.timeout(300_000);
    await signInAs('alice');
    await claudeCodeIntegration(testApi, 'always');
    const before = await waitFor('the records read', figures);
    const run = await claudeAsThePanel();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const sessionId = (JSON.parse(run.stdout) as { session_id: string }).session_id;
    const session = await waitFor('the session in the figures', () => figures()?.sessions.find((s) => s.id === sessionId), 30_000);
    assert.deepEqual(session.totals.tokens, times(PER_ANSWER, session.totals.requests));
    await grown(before, session.totals.requests);
  });

  it('waits for a half-written line, ignores a record type nobody knows, and keeps a deleted session\'s usage', async function () {
    this.timeout(120_000);
    await signInAs('alice');
    const before = await waitFor('the records read', figures);
    const skipped = testApi.localUsage().reading!.skipped;
    const sessionId = randomUUID();
    const dir = path.join(harness.home(), '.claude', 'projects', '-home-dev-handwritten');
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${sessionId}.jsonl`);
    const whole = answerLine(sessionId, `${sessionId}-1`, '/home/dev/handwritten');
    const next = answerLine(sessionId, `${sessionId}-2`, '/home/dev/handwritten');
    await fs.writeFile(file, `${JSON.stringify({ type: 'a-record-from-the-future', sessionId, payload: { any: 1 } })}\n${whole}\n${next.slice(0, 40)}`);
    const first = await grown(before, 1);
    assert.equal(first.today.requests, before.today.requests + 1, 'the half line is not counted yet');
    assert.equal(testApi.localUsage().reading!.skipped, skipped, 'the unknown type and the half line are not "not understood"');
    await fs.appendFile(file, `${next.slice(40)}\n`);
    const second = await grown(before, 2);
    assert.equal(second.today.requests, before.today.requests + 2, 'the line, finished, counts once');
    await fs.rm(file);
    await fs.appendFile(path.join(dir, 'another.jsonl'), `${answerLine('another', `${sessionId}-3`, '/home/dev/handwritten')}\n`);
    const third = await grown(before, 3);
    assert.equal(third.today.tokens.input - before.today.tokens.input, 300, "the deleted session's usage stays: it happened");
  });
});
