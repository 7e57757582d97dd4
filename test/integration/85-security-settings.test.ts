// Security, the settings files surface, in the real VS Code with the real Claude Code CLI: what
// Connect Claude Code, its follow-ups and Disconnect do to ~/.claude/settings.json (the test
// home's) when the user and Claude Code itself write to it too, when it has a typo, when it is a
// dangling link, and when it has comments Claude Code cannot read.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { aws, changeSetting, claudeAsThePanel, expectNotification, harness, runProcess, sessionKey, signInAs, ui, useBedrockReply, useClaudeSettingsFile, useExtension, waitFor } from './helpers';

const REPLY = 'Hello from Bedrock, with settings Claude Code can read.';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/** Settings as many keep them: comments, a trailing comma. Claude Code ignores every line of it. */
const WITH_COMMENTS = `// My Claude Code settings
{
    "permissions": { "allow": ["Bash(npm test:*)"] }, // mine
    "env": {
        "MY_TOOL_TOKEN": "my-own-value",
    },
}
`;

/** Plain JSON, with a profile of the user's that would win over the sign-in. */
const USERS_OWN = `{
    "model": "opus",
    "env": {
        "MY_TOOL_TOKEN": "my-own-value",
        "ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-1-20250805-v1:0",
        "AWS_PROFILE": "mine"
    }
}
`;

type Row = { id: string; status: string; found: string };

describe('Security: settings files (Claude Code’s ~/.claude/settings.json)', () => {
  const testApi = useExtension();
  useBedrockReply(REPLY);
  const settingsFile = useClaudeSettingsFile(testApi);
  const { read: readSettings, write: writeSettings } = settingsFile;
  const valueOf = (text: string | undefined) => JSON.parse(text ?? '{}') as { env?: Record<string, string>; permissions?: unknown; extraKnownMarketplaces?: Record<string, unknown>; awsCredentialExport?: string };

  /** Runs Connect Claude Code, waits for its view, and clicks Connect; the view's HTML as it was shown. */
  async function connect(): Promise<string> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand('claudeBedrock.connectClaudeCode');
    const html = await waitFor('the consent view', () => testApi.consentHtml());
    await ui.webviewClick('#connect');
    assert.equal((await running as { ok: boolean }).ok, true);
    return html;
  }

  /** Diagnose's row about Claude Code's settings. */
  async function settingsRow(): Promise<Row> {
    const rows = (await vscode.commands.executeCommand('claudeBedrock.diagnose')) as Row[];
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    return rows.find((r) => r.id === 'claude.settings')!;
  }

  /** Starts the real CLI the way the panel does and reads its debug log: did it take the settings file? */
  async function claudeCodeReadsTheFile(): Promise<boolean> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'claude-debug-'));
    const debug = path.join(dir, 'debug.txt');
    const child = spawn(harness.claude(), ['-p', 'Say hello', '--debug-file', debug], { cwd: harness.home(), env: process.env, stdio: 'ignore' });
    try {
      // It reports an unreadable file before it starts watching the settings files.
      const log = await waitFor('Claude Code to load its settings', async () => {
        const text = await fs.readFile(debug, 'utf8').catch(() => '');
        return /Watching for changes in setting files/.test(text) ? text : undefined;
      }, 60_000);
      return !log.includes(`${settingsFile.path}: : Invalid or malformed JSON`);
    } finally {
      child.kill('SIGKILL');
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  before(function () {
    if (!harness.hasBrowserBridge()) this.skip();
  });

  it('a file with comments: Claude Code ignores it, Diagnose names the line, Connect shows and takes out each comment on consent, and Claude Code then answers on the session', async function () {
    this.timeout(300_000);
    await writeSettings(WITH_COMMENTS);
    assert.equal(await claudeCodeReadsTheFile(), false, 'the real CLI refuses the file');
    const before = await settingsRow();
    assert.equal(before.status, 'fail');
    assert.match(before.found, /Claude Code cannot read .*settings\.json: line 1 has a comment \(and 3 more such places\)/);

    await signInAs('alice');
    const html = await connect();
    assert.match(html, /<h2>Claude Code cannot read this file<\/h2>/);
    assert.match(html, /<li>Line 1: the comment <code>\/\/ My Claude Code settings<\/code><\/li>/);
    assert.match(html, /<li>Line 3: the comment <code>\/\/ mine<\/code><\/li>/);
    assert.match(html, /<li>Line 5: the comma after the last entry\.<\/li>/);
    const connected = (await readSettings())!;
    assert.deepEqual(valueOf(connected).permissions, { allow: ['Bash(npm test:*)'] }, "the user's permissions are still there");
    assert.equal(await claudeCodeReadsTheFile(), true, 'the real CLI reads it now');
    assert.equal((await settingsRow()).status, 'pass');

    const key = () => sessionKey(testApi);
    const from = await aws.mark();
    const answered = await claudeAsThePanel();
    assert.equal(answered.code, 0, answered.stderr.slice(-2000));
    assert.equal((JSON.parse(answered.stdout) as { result: string }).result, REPLY);
    const calls = await aws.since(from, 'bedrock');
    assert.ok(calls.length > 0 && calls.every((c) => c.accessKeyId === key()), "Claude Code called Bedrock with the session's keys");

    const shown = testApi.notifications.length;
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    assert.equal(await readSettings(), WITH_COMMENTS, 'nothing else changed: the file is as it was, comments and all');
    await expectNotification(testApi, shown, /The comments and commas Connect took out are back too/);
  });

  it("keeps the permissions the user wrote and the marketplace Claude Code's own CLI added after Connect, through a model change, and takes out only the extension's keys", async function () {
    this.timeout(180_000);
    await writeSettings(USERS_OWN);
    await connect();
    await writeSettings((await readSettings())!.replace('"model": "opus",', '"model": "opus",\n    "permissions": { "allow": ["Read"] },'));
    // Claude Code writes its settings itself: the whole file again, in its own order.
    const marketplace = await fs.mkdtemp(path.join(os.tmpdir(), 'marketplace-'));
    await fs.mkdir(path.join(marketplace, '.claude-plugin'));
    await fs.writeFile(path.join(marketplace, '.claude-plugin', 'marketplace.json'), JSON.stringify({ name: 'team-tools', owner: { name: 'platform' }, plugins: [] }));
    const added = await runProcess(harness.claude(), ['plugin', 'marketplace', 'add', marketplace]);
    assert.equal(added.code, 0, added.stdout + added.stderr);
    assert.ok(valueOf(await readSettings()).extraKnownMarketplaces?.['team-tools'], 'Claude Code wrote to the file');
    await changeSetting('model', HAIKU);
    await waitFor("Claude Code's settings to follow", async () => valueOf(await readSettings()).env?.ANTHROPIC_MODEL === HAIKU);

    const shown = testApi.notifications.length;
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    const after = valueOf(await readSettings());
    assert.deepEqual(after.permissions, { allow: ['Read'] }, "the user's permissions stay");
    assert.ok(after.extraKnownMarketplaces?.['team-tools'], "Claude Code's marketplace stays");
    assert.deepEqual(after.env, { MY_TOOL_TOKEN: 'my-own-value', ANTHROPIC_MODEL: 'eu.anthropic.claude-opus-4-1-20250805-v1:0', AWS_PROFILE: 'mine' }, 'what Connect replaced is back, nothing of its own is left');
    assert.equal(after.awsCredentialExport, undefined);
    const said = await expectNotification(testApi, shown, /Claude Code no longer uses this sign-in/);
    assert.doesNotMatch(said.message, /back as they were/);
    await fs.rm(marketplace, { recursive: true, force: true });
  });

  it('a typo stops Disconnect with the line in words and Open File, keeps the record, and Disconnect puts the profile back once the file is fixed', async function () {
    this.timeout(120_000);
    await writeSettings(USERS_OWN);
    await connect();
    const connected = (await readSettings())!;
    assert.equal(valueOf(connected).env?.AWS_PROFILE, undefined, 'the conflicting profile was taken out (its box is ticked)');
    const typo = connected.replace('"model": "opus",', '"model": "opus"');
    await writeSettings(typo);

    const shown = testApi.notifications.length;
    const refused = (await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode')) as { ok: boolean };
    assert.equal(refused.ok, false);
    const said = await expectNotification(testApi, shown, /was left as it is, because it is not valid JSON: a comma is missing at the end of line 2\./);
    assert.deepEqual(said.buttons, ['Open File']);
    assert.equal(await readSettings(), typo, 'nothing written');
    assert.equal(testApi.claudeCodeConnected(), true, 'Disconnect stays in the command palette');
    await ui.clickNotificationButton('Open File');
    await waitFor('the settings file in an editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === settingsFile.path);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    await writeSettings(connected);
    assert.equal(((await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode')) as { ok: boolean }).ok, true);
    assert.equal(await readSettings(), USERS_OWN, "the user's profile is back, and the file is as it was");
  });

  it('a dangling link gets a sentence that says where it points, and nothing is written', async () => {
    const nowhere = path.join(harness.home(), 'dotfiles-moved', 'claude', 'settings.json');
    await fs.mkdir(path.dirname(settingsFile.path), { recursive: true });
    await fs.symlink(nowhere, settingsFile.path);
    try {
      const shown = testApi.notifications.length;
      assert.equal(await vscode.commands.executeCommand('claudeBedrock.connectClaudeCode'), undefined);
      await expectNotification(testApi, shown, new RegExp(`was left alone: it is a link to ${nowhere.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which does not exist\\.`));
      assert.equal(testApi.consentHtml(), undefined, 'no consent view');
      await assert.rejects(fs.stat(nowhere), 'nothing created at the target');
    } finally {
      await fs.rm(settingsFile.path, { force: true });
    }
  });
});
