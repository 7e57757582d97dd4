// Claude Code's status line from the helper: offered by Connect (a box, ticked) where the user has
// none, written into the test home's Claude Code settings, and run as Claude Code runs it (through
// a shell, its session as JSON on stdin): one line naming the signed-in user and when the keys
// renew, and "VS Code not running" with exit 0 when no window is there to ask.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { harness, signInAs, ui, useClaudeSettingsFile, useExtension, waitFor } from './helpers';

/** What Claude Code writes on a status line command's stdin (the fields this extension knows of). */
const CLAUDE_CODE_SESSION = JSON.stringify({
  session_id: 'b1c2d3',
  transcript_path: '/tmp/b1c2d3.jsonl',
  model: { id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', display_name: 'Sonnet 4.5' },
  workspace: { current_dir: '/tmp', project_dir: '/tmp' },
  cost: { total_cost_usd: 0.42, total_lines_added: 3, total_lines_removed: 1 },
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `command` and `args` with `stdin` written and closed, as Claude Code runs a status line. */
function runWithStdin(command: string, args: string[], stdin: string, timeoutMs = 30_000): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: harness.home(), env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A moment as the local clock shows it, as the status line does. */
function localClock(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

describe("Claude Code's status line", () => {
  const testApi = useExtension();
  const settingsFile = useClaudeSettingsFile(testApi);

  before(function () {
    if (!harness.hasBrowserBridge()) this.skip();
  });

  /** Runs Connect Claude Code; clicks each of `clicks` in its consent view, then Connect. */
  async function connect(clicks: string[] = []): Promise<{ ok: boolean }> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand('claudeBedrock.connectClaudeCode');
    const html = await waitFor('the consent view', () => testApi.consentHtml());
    assert.match(html, /<input type="checkbox" class="fix" id="statusLineChoice" value="statusLine" checked>/, 'offered, ticked');
    for (const selector of clicks) await ui.webviewClick(selector);
    await ui.webviewClick('#connect');
    return (await running) as { ok: boolean };
  }

  it('is written on Connect when ticked, and shows who is signed in and when the keys renew', async function () {
    this.timeout(120_000);
    await signInAs('alice');
    assert.equal((await connect()).ok, true);
    const settings = JSON.parse((await settingsFile.read())!) as { statusLine?: { type: string; command: string; padding: number } };
    assert.equal(settings.statusLine?.type, 'command');
    assert.equal(settings.statusLine?.padding, 0);
    assert.match(settings.statusLine?.command ?? '', /^'.+claude-code-helper' statusline$/);

    const state = testApi.state();
    assert.equal(state.kind, 'signedIn');
    const renew = localClock(Date.parse(state.kind === 'signedIn' ? state.session.credentials.expiration : ''));
    const run = await runWithStdin('/bin/sh', ['-c', settings.statusLine!.command], CLAUDE_CODE_SESSION);
    assert.deepEqual([run.code, run.stderr], [0, ''], run.stdout);
    assert.equal(run.stdout.split('\n').length, 2, 'one line');
    assert.match(run.stdout, /^Bedrock · alice@example\.com · .*keys renew \d\d:\d\d\n$/);
    assert.ok(run.stdout.includes(`keys renew ${renew}`), `${run.stdout} (the keys expire at ${renew})`);

    // Signed out, the same command says so and how to sign in.
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    const out = await runWithStdin('/bin/sh', ['-c', settings.statusLine!.command], CLAUDE_CODE_SESSION);
    assert.deepEqual([out.code, out.stdout, out.stderr], [0, 'Bedrock · signed out — run Claude Bedrock: Sign In in VS Code\n', '']);

    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    assert.equal(await settingsFile.read(), undefined, 'Disconnect takes it out with the rest (the file Connect made goes)');
  });

  it('is not written when unticked, and the rest of Connect is', async function () {
    this.timeout(120_000);
    assert.equal((await connect(['#statusLineChoice'])).ok, true);
    const settings = JSON.parse((await settingsFile.read())!) as Record<string, unknown>;
    assert.equal(settings.statusLine, undefined);
    assert.match(String(settings.awsCredentialExport), /claude-code-helper' export$/);
    assert.equal(testApi.claudeCodeConnected(), true);
  });

  it('says "VS Code not running" at once, and exits 0, when no window is there to ask', async () => {
    const helper = path.join(path.dirname(path.dirname(harness.whoami())), '..', '..', 'dist', 'helper.js');
    const nowhere = await fs.mkdtemp(path.join(os.tmpdir(), 'no-vscode-'));
    try {
      const out = await runWithStdin(process.execPath, [helper, '--storage', nowhere, 'statusline'], CLAUDE_CODE_SESSION);
      assert.deepEqual([out.code, out.stdout, out.stderr], [0, 'Bedrock · VS Code not running\n', '']);
      assert.ok(out.ms < 1_000, `${out.ms} ms`);
    } finally {
      await fs.rm(nowhere, { recursive: true, force: true });
    }
  });
});
