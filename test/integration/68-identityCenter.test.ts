// IAM Identity Center, the third flow, in the real VS Code: the emulator's SSO OIDC (a login page
// behind the authorization endpoint, PKCE) and SSO portal, the account and permission set chosen
// once in a quick pick, the real CLI in a terminal on the role keys, renewal, and the failures.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from './extensionUnderTest';
import { aws, changeSetting, expectNotification, harness, runInTerminal, ui, useExtension, waitFor } from './helpers';

const REPLY = 'Hello from Bedrock, through IAM Identity Center.';

function session(testApi: TestApi) {
  const state = testApi.state();
  assert.equal(state.kind, 'signedIn');
  return state.kind === 'signedIn' ? state.session : undefined!;
}

async function signInAt(user: string): Promise<{ signedIn: boolean }> {
  await aws.ssoLogin(user);
  return (await vscode.commands.executeCommand('claudeBedrock.signIn')) as { signedIn: boolean };
}

describe('IAM Identity Center', () => {
  const testApi = useExtension();
  const terminals: vscode.Terminal[] = [];

  beforeEach(async () => {
    await changeSetting('federation', 'identityCenter');
    await aws.reply(REPLY);
  });

  afterEach(() => {
    for (const t of terminals.splice(0)) t.dispose();
  });

  it('signs in, runs claude in a terminal on the role keys, renews into the open terminal, and signs out', async function () {
    this.timeout(300_000);
    assert.equal((await signInAt('solo@example.com')).signedIn, true);
    const first = session(testApi);
    assert.equal(first.flow, 'identityCenter');
    assert.equal(first.identity.email, 'solo@example.com');
    assert.match(first.assumedRoleArn, /AWSReservedSSO_ClaudeCodeBedrock_/);
    await testApi.terminalsUpdated();
    const shell = vscode.window.createTerminal({ name: 'claude through Identity Center' });
    terminals.push(shell);
    let from = (await aws.calls()).length;
    const one = await runInTerminal(shell, 'claude -p "Say hello" --output-format json');
    assert.equal(one.code, 0, one.stderr);
    assert.equal((JSON.parse(one.stdout) as { result: string }).result, REPLY);
    let calls = (await aws.calls()).slice(from).filter((c) => c.service === 'bedrock');
    assert.deepEqual([...new Set(calls.map((c) => c.accessKeyId))], [first.credentials.accessKeyId]);

    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    const second = session(testApi);
    assert.notEqual(second.credentials.accessKeyId, first.credentials.accessKeyId);
    from = (await aws.calls()).length;
    const two = await runInTerminal(shell, 'claude -p "Say hello again" --output-format json');
    assert.equal(two.code, 0, two.stderr);
    calls = (await aws.calls()).slice(from).filter((c) => c.service === 'bedrock');
    assert.deepEqual([...new Set(calls.map((c) => c.accessKeyId))], [second.credentials.accessKeyId]);

    await vscode.commands.executeCommand('claudeBedrock.signOut');
    await testApi.terminalsUpdated();
    assert.deepEqual(testApi.terminalEnvironment(), {});
    await waitFor('the sign-out at Identity Center', async () => (await aws.calls()).some((c) => c.action === 'Logout'));
  });

  it('asks which account and permission set, keeps it until sign-out, and asks again after', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(120_000);
    const pickDuringSignIn = async (row: string) => {
      await aws.ssoLogin('alice@example.com');
      const running = vscode.commands.executeCommand('claudeBedrock.signIn') as Thenable<{ signedIn: boolean }>;
      await waitFor('the account picker', () => ui.quickPick(row).then(() => true, () => false), 60_000);
      assert.equal((await running).signedIn, true);
    };
    await pickDuringSignIn('Sandbox (210987654321)');
    assert.equal(session(testApi).sso?.accountId, '210987654321');
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    assert.equal(session(testApi).sso?.accountId, '210987654321', 'renewed without asking');
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    await pickDuringSignIn('Claude Code (123456789012)');
    assert.equal(session(testApi).sso?.accountId, '123456789012');
  });

  it('says what is wrong: no account for the user, a start URL Identity Center refuses', async () => {
    let from = testApi.notifications.length;
    assert.equal((await signInAt('nobody@example.com')).signedIn, false);
    await expectNotification(testApi, from, /^IAM Identity Center gives you no AWS account and permission set\. Ask your platform team/);
    await aws.faults([{ service: 'sso-oauth', action: 'RegisterClient', kind: 'error', status: 400, code: 'InvalidRequestException', times: 5 }]);
    await changeSetting('ssoStartUrl', 'https://d-0000000000.awsapps.com/start');
    from = testApi.notifications.length;
    assert.equal((await signInAt('solo@example.com')).signedIn, false);
    const shown = await expectNotification(testApi, from, /IAM Identity Center refused the sign-in request/);
    assert.match(shown.message, /check claudeBedrock\.ssoStartUrl \(https:\/\/d-0000000000\.awsapps\.com\/start\)/);
    assert.deepEqual(shown.buttons, ['Open Settings']);
  });
});
