// How the extension sits in the workbench: the Accounts menu, workspace settings that must not
// steer a sign-in, the status bar's next step.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { harness, idp, signInAs, ui, useExtension, waitFor } from './helpers';

describe('In the workbench', () => {
  const testApi = useExtension();

  it('signs out from the Accounts menu', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    await signInAs('alice');
    assert.ok((await ui.accounts()).some((a) => a.includes('alice@example.com')), 'the Accounts menu lists alice');
    await ui.accountsMenuSignOut('alice@example.com');
    await waitFor('the signed-out state', () => testApi.state().kind === 'signedOut');
    assert.equal(await testApi.hasStoredSession(), false);
    assert.ok(!(await ui.accounts()).some((a) => a.includes('alice@example.com')), 'the Accounts menu no longer lists alice');
  });

  it("ignores the workspace's .vscode/settings.json that tries to send the sign-in elsewhere", async () => {
    // The harness opens every test run's workspace with such a file (runIntegration.ts).
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const hostile = JSON.parse(await fs.readFile(path.join(folder, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(hostile['claudeBedrock.issuer'], 'https://login.evil.example/');
    // VS Code itself refuses to write these settings for a workspace (they are machine-scoped).
    await assert.rejects(
      Promise.resolve(vscode.workspace.getConfiguration('claudeBedrock').update('issuer', 'https://other.example/', vscode.ConfigurationTarget.Workspace)),
      /does not support the folder resource scope|workspace/i,
    );
    await signInAs('alice');
    const state = testApi.state();
    assert.equal(state.kind, 'signedIn');
    assert.equal(state.kind === 'signedIn' && state.session.issuer, harness.issuer());
    assert.match(state.kind === 'signedIn' ? state.session.assumedRoleArn : '', /:123456789012:assumed-role\/ClaudeCodeBedrock\//);
    const [authorization] = await idp.authorizations();
    assert.equal(authorization.redirect_uri, `http://127.0.0.1:${harness.redirectPort()}/callback`);
  });

  it('makes the status bar item do the next thing in each state', async () => {
    assert.equal(testApi.statusBar()?.command, 'claudeBedrock.signIn');
    await idp.login('alice');
    await vscode.commands.executeCommand(testApi.statusBar()!.command);
    await waitFor('the signed-in state', () => testApi.state().kind === 'signedIn');
    assert.equal(testApi.statusBar()?.command, 'claudeBedrock.showAccount');
  });
});
