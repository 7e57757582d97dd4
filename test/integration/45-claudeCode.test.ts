// Claude Code outside the integrated terminal: its VS Code panel, and `claude` anywhere. The real
// CLI runs the way the panel runs it (a process started outside any terminal, with the extension
// host's environment and the test home's Claude Code settings), against the emulator's Bedrock.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { aws, changeSetting, claudeAsThePanel, claudeCodeIntegration, harness, idp, runInTerminal, runProcess, sessionKey, settingsCommand, signInAs, ui, useBedrockReply, useClaudeSettingsFile, useExtension, waitFor } from './helpers';

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

/** What Claude Code's own /setup-bedrock writes when a developer picks a Bedrock API key. */
const WIZARD = `{
  "env": {
    "CLAUDE_CODE_USE_BEDROCK": "1",
    "AWS_REGION": "eu-west-1",
    "AWS_BEARER_TOKEN_BEDROCK": "ABSKQmVkcm9ja0FQSUtleS1wZXJzb25hbA==",
    "ANTHROPIC_DEFAULT_OPUS_MODEL": "eu.anthropic.claude-opus-5"
  }
}
`;

describe("Claude Code's panel, and claude anywhere", () => {
  const testApi = useExtension();
  useBedrockReply(REPLY);
  const settingsFile = useClaudeSettingsFile(testApi);
  const { read: readSettingsFile, write: writeSettingsFile } = settingsFile;

  /** Runs Connect Claude Code and answers its consent view with the button `answer`. */
  async function connect(answer: '#connect' | '#cancel' = '#connect'): Promise<unknown> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand('claudeBedrock.connectClaudeCode');
    await waitFor('the consent view', () => testApi.consentHtml());
    await ui.webviewClick(answer);
    return running;
  }

  /** Connected without the view: what a platform team's "always" does. */
  const connectAlways = () => claudeCodeIntegration(testApi, 'always');

  before(function () {
    if (!harness.hasBrowserBridge()) this.skip();
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
    assert.deepEqual(await running, { ok: true, file: settingsFile.path, kept: [] });
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
    const key = () => sessionKey(testApi);
    const first = key();
    let from = await aws.mark();
    const answered = await claudeAsThePanel();
    assert.equal(answered.code, 0, answered.stderr.slice(-2000));
    assert.equal((JSON.parse(answered.stdout) as { result: string }).result, REPLY);
    let calls = await aws.since(from, 'bedrock');
    assert.ok(calls.length > 0, 'Claude Code called Bedrock');
    assert.ok(calls.every((c) => c.accessKeyId === first), "every call signed by the session's keys");

    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    const renewed = key();
    assert.notEqual(renewed, first);
    from = await aws.mark();
    const again = await claudeAsThePanel();
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    calls = await aws.since(from, 'bedrock');
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

  it("replaces what Claude Code's /setup-bedrock wrote (its API key named, never shown), runs on the session, and puts it all back on Disconnect", async function () {
    this.timeout(300_000);
    await signInAs('alice');
    await writeSettingsFile(WIZARD);
    const rows = (await vscode.commands.executeCommand('claudeBedrock.diagnose')) as { id: string; status: string; found: string }[];
    assert.match(rows.find((r) => r.id === 'claude.settings')?.found ?? '', /sets AWS_BEARER_TOKEN_BEDROCK: Claude Code uses it instead of this sign-in/);

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand('claudeBedrock.connectClaudeCode');
    const shown = await waitFor('the consent view', () => testApi.consentHtml());
    assert.match(shown, /Remove <code>env\.AWS_BEARER_TOKEN_BEDROCK<\/code>/);
    assert.match(shown, /a Bedrock API key \(AWS_BEARER_TOKEN_BEDROCK, as Claude Code&#39;s \/setup-bedrock writes it\)/);
    assert.doesNotMatch(shown, /ABSKQmVkcm9ja0FQSUtleS1wZXJzb25hbA/, "the key's value is never shown");
    await ui.webviewClick('#connect');
    await running;
    const env = (JSON.parse((await readSettingsFile())!) as { env: Record<string, string> }).env;
    assert.equal(env.AWS_BEARER_TOKEN_BEDROCK, undefined, 'the API key is out');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, 'us.anthropic.claude-opus-4-6-v1', "the organisation's Opus, not the wizard's Opus 5");

    const from = await aws.mark();
    const answered = await claudeAsThePanel();
    assert.equal(answered.code, 0, answered.stderr.slice(-2000));
    const calls = await aws.since(from, 'bedrock');
    assert.ok(calls.length > 0 && calls.every((c) => c.accessKeyId === sessionKey(testApi)), "every call signed by the session's keys");

    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    assert.equal(await readSettingsFile(), WIZARD, "the wizard's settings, byte for byte");
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
      const key = sessionKey(testApi);
      const from = await aws.mark();
      const answered = await inTerminal(shell, 'claude -p "Say hello" --output-format json');
      assert.equal(answered.code, 0, answered.stdout);
      const calls = await aws.since(from, 'bedrock');
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

/** Runs a shell command in a terminal; its exit code and its output, stdout and stderr together. */
async function inTerminal(terminal: vscode.Terminal, command: string): Promise<{ code: number; stdout: string }> {
  const run = await runInTerminal(terminal, command, 180_000);
  return { code: run.code, stdout: run.stdout + run.stderr };
}
