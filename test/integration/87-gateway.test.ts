// A machine whose Claude Code signs in through the organisation's Claude apps gateway: the real
// gateway (claude gateway, PostgreSQL from Debian packages, an IdP of its own, the emulator's
// Bedrock upstream), alice signed in to it the way Claude Code's /login leaves it. The extension
// stands aside: no sign-in (so no keys minted), nothing written to Claude Code's settings, a
// status bar and Diagnose that say why; and claude reaches Bedrock through the gateway.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { aws, claudeSettingsPath, harness, runProcess, useExtension, waitFor } from './helpers';

interface Fixture {
  readonly url: string;
  readonly credentials: string;
  readonly gatewayKey: string;
}

/** The gateway, alice signed in to it in the test home; stopped by the returned function. */
async function startFixture(): Promise<{ fixture: Fixture; stop: () => Promise<void> }> {
  const script = path.join(path.dirname(harness.whoami()), 'gatewayFixture.mjs');
  const child: ChildProcess = spawn(process.execPath, [script, harness.home(), harness.aws()], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const line = await waitFor('the gateway, signed in', () => {
    if (child.exitCode !== null) throw new Error(`the gateway fixture exited (${child.exitCode}): ${err.slice(-2000)}`);
    return out.includes('\n') ? out.split('\n')[0] : undefined;
  }, 120_000);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { fixture: JSON.parse(line) as Fixture, stop };
}

describe("Claude apps gateway on this machine", () => {
  const testApi = useExtension();
  let gateway: Fixture;
  let stop: (() => Promise<void>) | undefined;

  before(async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(180_000);
    ({ fixture: gateway, stop } = await startFixture());
  });

  after(async function () {
    this.timeout(60_000);
    await stop?.();
    if (gateway) await fs.rm(gateway.credentials, { force: true });
  });

  it('stands aside: no sign-in and no keys, nothing written to Claude Code (Connect says why), and the status bar and Diagnose say why', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    const from = await aws.mark();
    const notifications = testApi.notifications.length;
    assert.deepEqual(await vscode.commands.executeCommand('claudeBedrock.signIn'), { signedIn: false }, 'no sign-in');
    assert.equal(testApi.state().kind, 'signedOut');
    const said = testApi.notifications.slice(notifications).map((n) => n.message);
    assert.ok(said.some((m) => m.includes(`signs in through your organisation's Claude apps gateway (${gateway.url})`)), said.join('\n'));
    assert.deepEqual((await aws.since(from, 'sts')).length, 0, 'no keys minted');
    const view = await waitFor('the status bar to say so', () => (testApi.statusBar()?.text.includes('organisation gateway') ? testApi.statusBar() : undefined));
    assert.ok(view!.tooltip.includes(`Claude apps gateway (${gateway.url})`), view!.tooltip);
    assert.match(view!.tooltip, /This extension does not sign in or change Claude Code's settings here\./);
    await testApi.terminalsUpdated();
    assert.equal(testApi.terminalEnvironment().CLAUDE_CODE_USE_BEDROCK, undefined, 'terminals get nothing');
    const before = testApi.notifications.length;
    assert.equal(await vscode.commands.executeCommand('claudeBedrock.connectClaudeCode'), undefined, 'Connect says why instead of pretending');
    assert.ok(testApi.notifications.slice(before).some((n) => n.message.includes("outranks this extension's sign-in")));
    assert.equal(await fs.readFile(claudeSettingsPath(), 'utf8').catch(() => undefined), undefined, "Claude Code's settings untouched");

    const rows = (await vscode.commands.executeCommand('claudeBedrock.diagnose')) as { id: string; status: string; found: string }[];
    const row = rows.find((r) => r.id === 'claude.gatewaySession');
    assert.equal(row?.status, 'warning');
    assert.match(row!.found, /Claude Code is signed in to your organisation's Claude apps gateway at .* It outranks this extension's sign-in/);
  });

  it('leaves Claude Code to the gateway, which reaches Bedrock with its own credential', async function () {
    this.timeout(120_000);
    const from = await aws.mark();
    const run = await runProcess(harness.claude(), ['-p', 'Say hi', '--model', 'claude-sonnet-4-5-20250929', '--output-format', 'json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const calls = (await aws.since(from, 'bedrock')).filter((c) => /^InvokeModel/.test(c.action));
    assert.ok(calls.length > 0 && calls.every((c) => c.accessKeyId === gateway.gatewayKey), `through the gateway's credential: ${JSON.stringify(calls.map((c) => c.accessKeyId))}`);
  });
});
