// Claude Code outside the integrated terminal: its VS Code panel, and `claude` anywhere. The real
// CLI runs the way the panel runs it (a process started outside any terminal, with the extension
// host's environment and the test home's Claude Code settings), against the emulator's Bedrock.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { aws, changeSetting, claudeAsThePanel, harness, idp, runProcess, signInAs, ui, useExtension, waitFor, type ProcessRun } from './helpers';

const REPLY = 'Hello from Bedrock, through the helper.';

/**
 * Claude Code's settings as a developer keeps them: their own keys, their formatting. (Plain JSON:
 * Claude Code ignores a file with comments; 85-security-settings covers those.)
 */
const USERS_OWN = `{
    "model": "opus",
    "permissions": { "allow": ["Bash(npm test:*)"] },
    "env": {
        "MY_TOOL_TOKEN": "my-own-value",
        "ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-1-20250805-v1:0"
    }
}
`;

/** What the AWS guidance's installer writes (ccwb), credential-process profile and all. */
const GUIDANCE = `{
  "awsAuthRefresh": "${os.homedir()}/claude-code-with-bedrock/credential-process --profile ClaudeCode",
  "awsCredentialExport": "${os.homedir()}/claude-code-with-bedrock/credential-process --profile ClaudeCode",
  "env": {
    "CLAUDE_CODE_USE_BEDROCK": "1",
    "AWS_REGION": "us-east-1",
    "AWS_PROFILE": "ClaudeCode"
  }
}
`;

/** A command from Claude Code's settings, run as Claude Code runs it: through a shell. */
async function settingsCommand(key: 'awsCredentialExport' | 'awsAuthRefresh'): Promise<ProcessRun> {
  const settings = JSON.parse((await fs.readFile(path.join(harness.home(), '.claude', 'settings.json'), 'utf8')).replace(/^\s*\/\/.*$/gm, '')) as Record<string, string>;
  return runProcess('/bin/sh', ['-c', settings[key]]);
}

async function bedrockCallsSince(from: number) {
  return (await aws.calls()).slice(from).filter((c) => c.service === 'bedrock');
}

describe("Claude Code's panel, and claude anywhere", () => {
  const testApi = useExtension();
  let settingsFile: string;

  async function writeSettingsFile(text: string | undefined): Promise<void> {
    if (text === undefined) await fs.rm(settingsFile, { force: true });
    else {
      await fs.mkdir(path.dirname(settingsFile), { recursive: true });
      await fs.writeFile(settingsFile, text);
    }
  }

  const readSettingsFile = () => fs.readFile(settingsFile, 'utf8').catch(() => undefined);

  /** Runs Connect Claude Code and answers its consent view with the button `answer`. */
  async function connect(answer: '#connect' | '#cancel' = '#connect'): Promise<unknown> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand('claudeBedrock.connectClaudeCode');
    await waitFor('the consent view', () => testApi.consentHtml());
    await ui.webviewClick(answer);
    return running;
  }

  /** Connected without the view: what a platform team's "always" does. */
  async function connectAlways(): Promise<void> {
    await changeSetting('claudeCodeIntegration', 'always');
    await waitFor('Claude Code to be connected', () => testApi.claudeCodeConnected(), 30_000);
  }

  before(function () {
    if (!harness.hasBrowserBridge()) this.skip();
  });

  beforeEach(async () => {
    settingsFile = testApi.claudeSettingsFile();
    assert.equal(settingsFile, path.join(harness.home(), '.claude', 'settings.json'), "the test home's, never the real one");
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    await writeSettingsFile(undefined);
    await aws.reply(REPLY);
  });

  after(async () => {
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    await fs.rm(path.join(harness.home(), '.claude', 'settings.json'), { force: true });
  });

  it("shows what it changes, changes nothing on Cancel, and on consent keeps every byte of the user's own", async function () {
    this.timeout(60_000);
    await writeSettingsFile(USERS_OWN);
    assert.equal(await connect('#cancel'), undefined);
    assert.equal(await readSettingsFile(), USERS_OWN, 'Cancel writes nothing');
    const html = testApi.consentHtml();
    assert.equal(html, undefined, 'the view closed');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand('claudeBedrock.connectClaudeCode');
    const shown = await waitFor('the consent view', () => testApi.consentHtml());
    assert.match(shown, /<code>env\.CLAUDE_CODE_USE_BEDROCK<\/code> to <code>1<\/code>/);
    assert.match(shown, /<code>env\.ANTHROPIC_MODEL<\/code> to <code>us\.anthropic\.claude-sonnet-4-5-20250929-v1:0<\/code>\. It was <code>eu\.anthropic\.claude-opus-4-1-20250805-v1:0<\/code>; Disconnect puts that back\./);
    assert.match(shown, /<code>awsCredentialExport<\/code> to this extension's helper/);
    assert.match(await ui.webviewText('#changes'), /awsAuthRefresh/);
    await ui.screenshot('consent-view');
    await ui.webviewClick('#connect');
    assert.deepEqual(await running, { ok: true, file: settingsFile, kept: [] });
    assert.equal(testApi.claudeCodeConnected(), true);

    const text = (await readSettingsFile())!;
    assert.ok(text.startsWith('{\n    "model": "opus",\n    "permissions": { "allow": ["Bash(npm test:*)"] },\n'), text);
    assert.match(text, /"MY_TOOL_TOKEN": "my-own-value"/);
    assert.match(text, /"CLAUDE_CODE_USE_BEDROCK": "1"/);
    assert.match(text, /"ANTHROPIC_BEDROCK_BASE_URL": "http:\/\/127\.0\.0\.1:\d+"/);
    assert.match(text, /"awsCredentialExport": "'.+claude-code-helper' export"/);

    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    assert.equal(await readSettingsFile(), USERS_OWN, 'byte for byte what it was');
    assert.equal(testApi.claudeCodeConnected(), false);
  });

  it('runs Claude Code the way its panel does on the session, and a new start after a renewal on the new keys', async function () {
    this.timeout(300_000);
    await signInAs('alice');
    await connectAlways();
    const key = (s = testApi.state()) => (s.kind === 'signedIn' ? s.session.credentials.accessKeyId : '');
    const first = key();
    let from = (await aws.calls()).length;
    const answered = await claudeAsThePanel();
    assert.equal(answered.code, 0, answered.stderr.slice(-2000));
    assert.equal((JSON.parse(answered.stdout) as { result: string }).result, REPLY);
    let calls = await bedrockCallsSince(from);
    assert.ok(calls.length > 0, 'Claude Code called Bedrock');
    assert.ok(calls.every((c) => c.accessKeyId === first), "every call signed by the session's keys");

    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    const renewed = key();
    assert.notEqual(renewed, first);
    from = (await aws.calls()).length;
    const again = await claudeAsThePanel();
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    calls = await bedrockCallsSince(from);
    assert.ok(calls.length > 0 && calls.every((c) => c.accessKeyId === renewed), 'the new start uses the renewed keys');

    await vscode.commands.executeCommand('claudeBedrock.signOut');
    const none = await settingsCommand('awsCredentialExport');
    assert.equal(none.code, 1, 'after Sign Out the helper hands out nothing');
    assert.match(none.stderr, /You are not signed in\. Run "Claude Bedrock: Sign In" in VS Code\./);
    assert.equal(testApi.claudeCodeConnected(), true, 'Sign Out does not disconnect');
  });

  it('signs in through VS Code when Claude Code starts signed out, then answers, with no retry loop', async function () {
    this.timeout(300_000);
    await connectAlways();
    assert.equal(testApi.state().kind, 'signedOut');
    await idp.login('alice');
    const answered = await claudeAsThePanel();
    assert.equal(answered.code, 0, answered.stdout + answered.stderr.slice(-2000));
    assert.equal((JSON.parse(answered.stdout) as { result: string }).result, REPLY);
    assert.equal(testApi.state().kind, 'signedIn');
    assert.equal((await idp.authorizations()).length, 1, 'one sign-in in the browser');
    assert.doesNotMatch(answered.stderr, /did not return a valid value/, "never the CLI's retry loop");
  });

  it("finds the AWS guidance's settings, replaces them only on consent, and puts them back on Disconnect", async function () {
    this.timeout(60_000);
    await writeSettingsFile(GUIDANCE);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand('claudeBedrock.connectClaudeCode');
    const shown = await waitFor('the consent view', () => testApi.consentHtml());
    assert.match(shown, /This replaces the AWS guidance's credential-process\./);
    assert.match(shown, /set up by the AWS guidance's installer/);
    assert.match(shown, /AWS_PROFILE to &quot;ClaudeCode&quot;/);
    await ui.webviewClick('#cancel');
    assert.equal(await running, undefined);
    assert.equal(await readSettingsFile(), GUIDANCE, 'nothing replaced without consent');

    await connect('#connect');
    const text = (await readSettingsFile())!;
    assert.doesNotMatch(text, /credential-process/);
    assert.doesNotMatch(text, /AWS_PROFILE/, 'the conflict was removed (its box was ticked)');
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    assert.equal(await readSettingsFile(), GUIDANCE);
  });

  it("connected, leaves a terminal's AWS profile to the user's own tools while claude there uses the session", async function () {
    this.timeout(300_000);
    await signInAs('alice');
    // Not connected: the terminal hides the developer's profiles (today's endpoint mode).
    const hidden = vscode.window.createTerminal({ name: 'mine, hidden', env: { AWS_PROFILE: 'mine' } });
    await testApi.terminalsUpdated();
    const before = await inTerminal(hidden, `node ${harness.whoami()} ${harness.aws()}`);
    hidden.dispose();
    assert.doesNotMatch(before.stdout, /DeveloperOwn/, `the developer's own profile is hidden: ${before.stdout}`);

    await connectAlways();
    await testApi.terminalsUpdated();
    const shell = vscode.window.createTerminal({ name: 'mine', env: { AWS_PROFILE: 'mine' } });
    try {
      const who = await inTerminal(shell, `node ${harness.whoami()} ${harness.aws()}`);
      assert.equal(who.code, 0, who.stdout);
      assert.match(who.stdout, /assumed-role\/DeveloperOwn\/developer-own/, "the developer's own profile");
      const key = testApi.state().kind === 'signedIn' ? (testApi.state() as { session: { credentials: { accessKeyId: string } } }).session.credentials.accessKeyId : '';
      const from = (await aws.calls()).length;
      const answered = await inTerminal(shell, 'claude -p "Say hello" --output-format json');
      assert.equal(answered.code, 0, answered.stdout);
      const calls = await bedrockCallsSince(from);
      assert.ok(calls.length > 0 && calls.every((c) => c.accessKeyId === key), "claude in the same terminal used the session's keys");
    } finally {
      shell.dispose();
    }
  });

  it('keeps answering the helper from another window when one window closes', async function () {
    this.timeout(120_000);
    await signInAs('alice');
    await connectAlways();
    const other = (await ui.openWindow()).index;
    await waitFor('the other window to show the account', async () => /alice/i.test((await ui.windowStatusBar(other)).text), 60_000);
    assert.equal((await settingsCommand('awsCredentialExport')).code, 0);
    await ui.closeWindows();
    const after = await settingsCommand('awsCredentialExport');
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.ok(JSON.parse(after.stdout).Credentials.AccessKeyId);
  });

  it('fails at once with the fix in words when no VS Code window is there to ask', async () => {
    const helper = path.join(path.dirname(path.dirname(harness.whoami())), '..', '..', 'dist', 'helper.js');
    const nowhere = await fs.mkdtemp(path.join(os.tmpdir(), 'no-vscode-'));
    try {
      const out = await runProcess(process.execPath, [helper, '--storage', nowhere, 'export']);
      assert.equal(out.code, 1);
      assert.match(out.stderr, /^Claude Code on Amazon Bedrock: VS Code is not running, so there are no AWS credentials for Claude Code\./);
      assert.ok(out.ms < 1_000, `${out.ms} ms`);
    } finally {
      await fs.rm(nowhere, { recursive: true, force: true });
    }
  });

  it("follows the settings, and takes the extension's entries out when switched off", async function () {
    this.timeout(60_000);
    await writeSettingsFile(USERS_OWN);
    await connectAlways();
    await changeSetting('model', 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
    await waitFor("Claude Code's settings to follow", async () => (await readSettingsFile())?.includes('"ANTHROPIC_MODEL": "us.anthropic.claude-haiku-4-5-20251001-v1:0"'));
    await changeSetting('claudeCodeIntegration', 'never');
    await waitFor('the entries to be taken out, and the window to know', async () => (await readSettingsFile()) === USERS_OWN && !testApi.claudeCodeConnected());
  });
});

/** Runs a shell command in a terminal; its exit code and output (written to files, not the screen). */
async function inTerminal(terminal: vscode.Terminal, command: string): Promise<{ code: number; stdout: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'terminal-run-'));
  const [out, code] = ['out', 'code'].map((n) => path.join(dir, n));
  terminal.sendText(`${command} > ${out} 2>&1 < /dev/null; echo $? > ${code}.tmp && mv ${code}.tmp ${code}`);
  const exit = await waitFor(`"${command}" to finish`, async () => (await fs.readFile(code, 'utf8').catch(() => '')).trim(), 180_000);
  const result = { code: Number(exit), stdout: await fs.readFile(out, 'utf8') };
  await fs.rm(dir, { recursive: true, force: true });
  return result;
}
