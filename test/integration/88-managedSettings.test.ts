// Claude Code's managed settings, at the place Claude Code reads them (/etc/claude-code, which the
// harness gives the server a folder of its own for: see test/support/vscode.ts). What the
// organisation pushes there outranks what Connect writes and what terminals get: the real CLI
// shows it, and Connect and Diagnose name the file and what it sets instead of pretending.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { aws, claudeCodeIntegration, harness, messagesSince, restoreAfterTest, runInTerminal, signInAs, useBedrockReply, useClaudeSettingsFile, useExtension, useTerminals, waitFor } from './helpers';

/** A model the organisation's managed settings pick, not the extension's pin. */
const MANAGED_MODEL = 'us.anthropic.claude-opus-4-1-20250805-v1:0';

interface Row {
  readonly id: string;
  readonly status: string;
  readonly found: string;
  readonly fix: string;
}

describe("Claude Code's managed settings", () => {
  const testApi = useExtension();
  const terminals = useTerminals();
  const settingsFile = useClaudeSettingsFile(testApi);
  useBedrockReply('Managed.');
  let folder: string;
  const file = () => path.join(folder, 'managed-settings.json');
  const dropIn = () => path.join(folder, 'managed-settings.d', '50-gateway.json');

  before(function () {
    const managed = harness.managedSettings();
    // Placing a folder at /etc/claude-code takes a private mount namespace, which only root may make.
    if (!harness.hasBrowserBridge() || !managed) this.skip();
    folder = managed;
  });

  afterEach(async () => {
    await fs.rm(file(), { force: true });
    await fs.rm(path.dirname(dropIn()), { recursive: true, force: true });
  });

  it('names the managed file that sets the model: Connect says it cannot win, Diagnose says why, and claude runs the managed model', async function () {
    this.timeout(180_000);
    restoreAfterTest('claudeCodeIntegration');
    await signInAs('alice');
    await fs.writeFile(file(), JSON.stringify({ env: { ANTHROPIC_MODEL: MANAGED_MODEL } }, null, 2));
    const managedPath = '/etc/claude-code/managed-settings.json';

    const from = testApi.notifications.length;
    assert.equal(await vscode.commands.executeCommand('claudeBedrock.connectClaudeCode'), undefined, 'Connect does not pretend');
    const said = messagesSince(testApi, from).join('\n');
    assert.ok(said.includes(`Your organisation's managed settings (${managedPath}) set ANTHROPIC_MODEL for Claude Code.`), said);
    assert.match(said, /what Connect Claude Code writes cannot win\. So Connect Claude Code changes nothing\./);
    assert.equal(await settingsFile.read(), undefined, "nothing written to Claude Code's settings");

    const rows = (await vscode.commands.executeCommand('claudeBedrock.diagnose')) as Row[];
    const row = rows.find((r) => r.id === 'claude.managed');
    assert.equal(row?.status, 'warning', JSON.stringify(row));
    assert.ok(row!.found.includes(managedPath) && row!.found.includes('ANTHROPIC_MODEL'), row!.found);
    assert.match(row!.fix, /Ask your platform team/);

    // What the finding says is so: the managed model beats the one the terminal is given.
    await testApi.terminalsUpdated();
    assert.notEqual(testApi.terminalEnvironment().ANTHROPIC_MODEL, MANAGED_MODEL);
    const shell = terminals.open('managed');
    const mark = await aws.mark();
    const run = await runInTerminal(shell, 'claude -p "Say hi" --output-format json');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const models = (await aws.since(mark, 'bedrock')).filter((c) => /^InvokeModel/.test(c.action)).map((c) => c.subject);
    assert.ok(models.includes(MANAGED_MODEL), `the managed model answered: ${models.join(', ')}`);

    // Once the organisation takes it out, Connect works.
    await fs.rm(file());
    await claudeCodeIntegration(testApi, 'always');
    assert.match((await settingsFile.read()) ?? '', /CLAUDE_CODE_USE_BEDROCK/);
  });

  it('stands aside where a drop-in sends Claude Code to a gateway, and Diagnose says the gateway does not answer', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    const closed = 'https://127.0.0.1:9';
    await fs.mkdir(path.dirname(dropIn()), { recursive: true });
    await fs.writeFile(file(), JSON.stringify({ permissions: { deny: ['WebFetch'] } }));
    await fs.writeFile(dropIn(), JSON.stringify({ forceLoginMethod: 'gateway', forceLoginGatewayUrl: closed }));

    const mark = await aws.mark();
    const from = testApi.notifications.length;
    assert.deepEqual(await vscode.commands.executeCommand('claudeBedrock.signIn'), { signedIn: false }, 'no sign-in');
    assert.ok(messagesSince(testApi, from).some((m) => m.includes(`signs in through your organisation's Claude apps gateway (${closed})`)), messagesSince(testApi, from).join('\n'));
    assert.deepEqual(await aws.since(mark, 'sts'), [], 'no keys minted');
    await waitFor('the status bar to say so', () => testApi.statusBar()?.text.includes('organisation gateway'));

    const rows = (await vscode.commands.executeCommand('claudeBedrock.diagnose')) as Row[];
    const managed = rows.find((r) => r.id === 'claude.managed');
    assert.ok(managed?.found.includes(`(/etc/claude-code/managed-settings.json, ${path.posix.join('/etc/claude-code/managed-settings.d', '50-gateway.json')})`), managed?.found);
    assert.match(managed!.found, /make Claude Code sign in through Claude apps gateway at https:\/\/127\.0\.0\.1:9/);
    const gateway = rows.find((r) => r.id === 'claude.gateway');
    assert.equal(gateway?.status, 'fail', JSON.stringify(gateway));
    assert.ok(gateway!.found.startsWith(`${closed} does not answer its sign-in discovery`), gateway!.found);

    // Taken out again: the extension signs in as before.
    await fs.rm(dropIn());
    assert.equal((await signInAs('alice')).signedIn, true);
    await waitFor('the status bar to show the account', () => !testApi.statusBar()?.text.includes('organisation gateway'));
  });
});
