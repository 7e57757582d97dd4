// The secrets canary: after signing in and renewing, no token or key issued during the whole run
// appears anywhere but SecretStorage and memory: not in the log, settings, globalState or
// workspaceState, nor in any file under the user-data, server-data and extension-storage folders,
// nor in what a terminal running Claude Code printed, nor anywhere in the test home once Claude
// Code is connected and has run the way its panel runs it (its settings.json, ~/.claude.json,
// its sessions and logs, the shell's history), nor in the Diagnose report a helpdesk gets: the
// helper's stdout, read by Claude Code, is the only place keys go.
// VS Code runs at its default log level, as users do: at debug or trace level VS Code's own
// terminal host logs every terminal's environment, the endpoint token included (README).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { OWN_SESSION } from '../support/world';
import { aws, claudeCodeIntegration, harness, idp, restoreSettings, signInAs, useExtension, waitFor } from './helpers';

async function* filesUnder(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Every token the IdP issued, every key the emulator's STS (and so Cognito and Identity Center)
 * issued, and every Identity Center token and client secret, during the whole run (but the
 * developer's own profile's keys).
 */
async function issuedSecrets(): Promise<string[]> {
  const tokens = await idp.issued();
  const keys = await aws.keys();
  return [
    ...(await aws.ssoIssued()),
    ...tokens.idTokens,
    ...tokens.accessTokens,
    ...tokens.refreshTokens,
    ...keys.filter((k) => k.sessionName !== OWN_SESSION).flatMap((k) => [k.accessKeyId, k.secretAccessKey, k.sessionToken]),
  ];
}

/** The CLI the way Claude Code's panel runs it: outside any terminal, the extension host's environment. */
function claudeAsThePanel(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(harness.claude(), ['-p', 'Say hello', '--output-format', 'json'], { cwd: harness.home(), env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe('Secrets canary', () => {
  const testApi = useExtension({ fresh: 'once' });

  after(async () => {
    await restoreSettings();
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
  });

  it('finds no token or key outside SecretStorage after sign-in and renewal', async function () {
    this.timeout(180_000);
    await aws.shortLived(90);
    await signInAs('alice');
    const first = testApi.state();
    await waitFor('the renewal', () => {
      const s = testApi.state();
      return s.kind === 'signedIn' && first.kind === 'signedIn' && s.session.credentials.accessKeyId !== first.session.credentials.accessKeyId;
    });
    await vscode.commands.executeCommand('claudeBedrock.showAccount');
    await testApi.terminalsUpdated();
    const endpointToken = testApi.terminalEnvironment().AWS_CONTAINER_AUTHORIZATION_TOKEN;
    assert.ok(endpointToken, 'terminals got an endpoint token');
    // A terminal running Claude Code through the endpoint; what it prints is searched too.
    const shell = vscode.window.createTerminal({ name: 'canary' });
    const integration = await waitFor('shell integration in the canary terminal', () => shell.shellIntegration, 30_000);
    const execution = integration.executeCommand('claude -p "Say hello" --output-format json < /dev/null');
    let terminalOutput = '';
    for await (const chunk of execution.read()) terminalOutput += chunk;
    assert.match(terminalOutput, /"result"/, 'the terminal output was read');
    shell.dispose();
    // Connected, and run the panel's way: the helper hands the keys over on its stdout alone.
    await claudeCodeIntegration(testApi, 'always');
    const panel = await claudeAsThePanel();
    assert.equal(panel.code, 0, panel.output.slice(-2000));

    // The Diagnose report, as a helpdesk gets it (Copy Report: the same text Save Report writes).
    await vscode.commands.executeCommand('claudeBedrock.copyDiagnoseReport');
    const report = await vscode.env.clipboard.readText();
    assert.match(report, /^# Claude Code on Amazon Bedrock: Diagnose report/, 'the report was copied');
    assert.match(report, /User: alice@example\.com/);

    const secrets = [...(await issuedSecrets()), endpointToken];
    assert.ok(secrets.length >= 10, `the run issued ${secrets.length} secrets`);
    // Their halves too: a key or token cut short is still a leak.
    const needles = [...new Set(secrets.flatMap((s) => (s.length > 20 ? [s.slice(0, 20), s.slice(-20)] : [s])))];

    const places: [string, string][] = [];
    places.push(['terminal output', terminalOutput]);
    places.push(['the Diagnose report', report]);
    places.push(["Claude Code's output, run the panel's way", panel.output]);
    places.push(['globalState', JSON.stringify(testApi.globalState())]);
    places.push(['workspaceState', JSON.stringify(testApi.workspaceState())]);
    places.push(['settings', JSON.stringify(vscode.workspace.getConfiguration('claudeBedrock'))]);
    let files = 0;
    const home = harness.home();
    const homeFiles = ['.claude/settings.json', '.claude.json'].map((f) => path.join(home, f));
    for (const file of homeFiles) assert.ok(await fs.stat(file), `${file} is there to search`);
    for (const dir of new Set([home, harness.userDataDir(), harness.serverDataDir(), testApi.globalStorageUri.fsPath, path.dirname(testApi.logUri.fsPath)])) {
      for await (const file of filesUnder(dir)) {
        files++;
        places.push([file, await fs.readFile(file, 'latin1')]);
      }
    }
    assert.ok(files > 10, `searched ${files} files`);
    for (const file of homeFiles) assert.ok(places.some(([name]) => name === file), `${file} was searched`);
    const logText = places.filter(([name]) => name.endsWith('Claude Bedrock.log')).map(([, text]) => text).join('');
    assert.match(logText, /Signed in as alice@example\.com/, 'the log channel was searched');

    // Named by number, so the report does not print what it found.
    const hits = places.flatMap(([name, text]) => needles.flatMap((n, i) => (text.includes(n) ? [`${name}: secret #${i}`] : [])));
    assert.deepEqual(hits, [], 'secrets found outside SecretStorage');
  });
});
