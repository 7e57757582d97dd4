// IAM Identity Center, the third flow, in the real VS Code: the emulator's SSO OIDC (a login page
// behind the authorization endpoint, PKCE) and SSO portal, the account and permission set chosen
// once in a quick pick, the real CLI in a terminal and the way Claude Code's panel runs it on the
// role keys, renewal, the way to the code when the browser does not come back, and the failures.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { aws, changeSetting, claudeAsThePanel, claudeCodeIntegration, claudeSettingsPath, expectNotification, harness, runInTerminal, signedInSession, signInAtIdentityCenter, ui, useBedrockReply, useExtension, useFederation, useTerminals, waitFor } from './helpers';

const REPLY = 'Hello from Bedrock, through IAM Identity Center.';

describe('IAM Identity Center', () => {
  const testApi = useExtension();
  useBedrockReply(REPLY);
  const terminals = useTerminals();
  useFederation('identityCenter');

  it('signs in, runs claude in a terminal on the role keys, renews into the open terminal, and signs out', async function () {
    this.timeout(300_000);
    assert.equal((await signInAtIdentityCenter('solo@example.com')).signedIn, true);
    const first = signedInSession(testApi);
    assert.equal(first.flow, 'identityCenter');
    assert.equal(first.identity.email, 'solo@example.com');
    assert.match(first.assumedRoleArn, /AWSReservedSSO_ClaudeCodeBedrock_/);
    await testApi.terminalsUpdated();
    const shell = terminals.open('claude through Identity Center');
    let from = await aws.mark();
    const one = await runInTerminal(shell, 'claude -p "Say hello" --output-format json');
    assert.equal(one.code, 0, one.stderr);
    assert.equal((JSON.parse(one.stdout) as { result: string }).result, REPLY);
    let calls = await aws.since(from, 'bedrock');
    assert.deepEqual([...new Set(calls.map((c) => c.accessKeyId))], [first.credentials.accessKeyId]);

    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    const second = signedInSession(testApi);
    assert.notEqual(second.credentials.accessKeyId, first.credentials.accessKeyId);
    from = await aws.mark();
    const two = await runInTerminal(shell, 'claude -p "Say hello again" --output-format json');
    assert.equal(two.code, 0, two.stderr);
    calls = await aws.since(from, 'bedrock');
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
    assert.equal(signedInSession(testApi).sso?.accountId, '210987654321');
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    assert.equal(signedInSession(testApi).sso?.accountId, '210987654321', 'renewed without asking');
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    await pickDuringSignIn('Claude Code (123456789012)');
    assert.equal(signedInSession(testApi).sso?.accountId, '123456789012');
  });

  it('answers the browser before asking for the account and role, so a user who takes their time sees no error page', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(120_000);
    // The browser VS Code opens waits at the portal's login page; the test signs in the way it would, and reads the page it ends on.
    const running = vscode.commands.executeCommand('claudeBedrock.signIn') as Thenable<{ signedIn: boolean }>;
    const authorize = await waitFor('the browser at the access portal', async () => (await ui.popups()).find((url) => url.includes('/authorize?')));
    await aws.ssoLogin('alice@example.com');
    const back = (await fetch(authorize, { redirect: 'manual' })).headers.get('location');
    assert.match(back ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    // Nothing is chosen yet: the page must not wait for it (it used to, and the browser gave up).
    const page = await fetch(back!);
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /<h1>Signed in<\/h1>/);
    assert.match(text, /Choose your AWS account and role in VS Code to finish; you can close this tab\./);
    assert.equal(testApi.state().kind, 'signingIn');
    await ui.quickPick('Claude Code (123456789012)');
    assert.equal((await running).signedIn, true);
    assert.equal(signedInSession(testApi).sso?.accountId, '123456789012');
  });

  it('says what is wrong: no account for the user, a start URL Identity Center refuses', async () => {
    let from = testApi.notifications.length;
    assert.equal((await signInAtIdentityCenter('nobody@example.com')).signedIn, false);
    await expectNotification(testApi, from, /^IAM Identity Center gives you no AWS account and permission set\. Ask your platform team/);
    await aws.faults([{ service: 'sso-oauth', action: 'RegisterClient', kind: 'error', status: 400, code: 'InvalidRequestException', times: 5 }]);
    await changeSetting('ssoStartUrl', 'https://d-0000000000.awsapps.com/start');
    from = testApi.notifications.length;
    assert.equal((await signInAtIdentityCenter('solo@example.com')).signedIn, false);
    const shown = await expectNotification(testApi, from, /IAM Identity Center refused the sign-in request/);
    assert.match(shown.message, /check claudeBedrock\.ssoStartUrl \(https:\/\/d-0000000000\.awsapps\.com\/start\)/);
    assert.deepEqual(shown.buttons, ['Open Settings']);
  });

  it("runs Claude Code the way its panel does: started signed out, it signs in through Identity Center and answers on the role keys", async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(300_000);
    await claudeCodeIntegration(testApi, 'always');
    try {
      await aws.ssoLogin('solo@example.com');
      const from = await aws.mark();
      const answered = await claudeAsThePanel();
      assert.equal(answered.code, 0, answered.stdout + answered.stderr.slice(-2000));
      assert.equal((JSON.parse(answered.stdout) as { result: string }).result, REPLY);
      const signedIn = signedInSession(testApi);
      assert.equal(signedIn.flow, 'identityCenter');
      const calls = await aws.since(from);
      assert.equal(calls.filter((c) => c.action === 'Authorize').length, 1, 'one sign-in in the browser');
      const bedrock = calls.filter((c) => c.service === 'bedrock');
      assert.ok(bedrock.length > 0 && bedrock.every((c) => c.accessKeyId === signedIn.credentials.accessKeyId), 'every Bedrock call signed by the role keys');
    } finally {
      // "always" refuses Disconnect; "never" takes the extension's entries out.
      await claudeCodeIntegration(testApi, 'never');
      await fs.rm(claudeSettingsPath(), { force: true });
    }
  });

  it('offers a code when the browser does not come back, and its button starts the sign-in with a code', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(120_000);
    // Nobody signs in at the page the browser opens: the sign-in waits, then times out.
    await changeSetting('signInTimeout', 2);
    const from = testApi.notifications.length;
    assert.equal(((await vscode.commands.executeCommand('claudeBedrock.signIn')) as { signedIn: boolean }).signedIn, false);
    const timedOut = await expectNotification(testApi, from, /^Sign-in timed out: the browser did not come back to VS Code within 2 seconds\. If its page could not reach VS Code \(a remote window\), sign in with a code instead\.$/);
    assert.deepEqual(timedOut.buttons, ['Sign In with a Code', 'Sign In']);
    await ui.closePopups();
    const callsFrom = await aws.mark();
    await ui.clickNotificationButton('Sign In with a Code');
    // VS Code refuses modal dialogs under extension tests: the dialog with the code, its Copy
    // button and the portal's page are covered by the UI test (test/e2e/identityCenter.test.ts).
    await waitFor('the sign-in with a code', async () => (await aws.since(callsFrom)).some((c) => c.action === 'StartDeviceAuthorization'));
    assert.equal((await aws.since(callsFrom)).filter((c) => c.action === 'Authorize').length, 0, 'not the browser again');
  });

  it('says when Identity Center refuses the role keys, and after a revoked session goes back to the browser once', async () => {
    await aws.faults([{ service: 'awsssoportal', action: 'GetRoleCredentials', kind: 'error', status: 403, code: 'ForbiddenException', times: 1 }]);
    let from = testApi.notifications.length;
    assert.equal((await signInAtIdentityCenter('solo@example.com')).signedIn, false);
    const refused = await expectNotification(testApi, from, /^IAM Identity Center does not let you use the permission set ClaudeCodeBedrock in account 123456789012 \(ForbiddenException\)\. Sign in again to choose another/);
    assert.deepEqual(refused.buttons, ['Sign In', 'Open Settings']);

    assert.equal((await signInAtIdentityCenter('solo@example.com')).signedIn, true);
    await aws.ssoRevoke();
    from = testApi.notifications.length;
    const callsFrom = await aws.mark();
    assert.deepEqual(await vscode.commands.executeCommand('claudeBedrock.refreshCredentials'), { refreshed: false });
    await expectNotification(testApi, from, /could not be renewed.*Sign in again/);
    assert.equal((await aws.since(callsFrom)).filter((c) => c.action === 'Authorize').length, 0, 'a renewal never opens the browser by itself');

    assert.equal((await signInAtIdentityCenter('solo@example.com')).signedIn, true);
    const calls = await aws.since(callsFrom);
    assert.equal(calls.filter((c) => c.action === 'Authorize').length, 1, 'the browser, once');
    assert.notEqual(signedInSession(testApi).sso?.accessToken, undefined);
  });
});

describe('Diagnose with IAM Identity Center', () => {
  const testApi = useExtension();
  useFederation('identityCenter');

  it("checks Identity Center's sign-in service, portal and clock instead of an identity provider's, and says when it cannot be reached", async function () {
    this.timeout(120_000);
    assert.equal((await signInAtIdentityCenter('solo@example.com')).signedIn, true);
    const diagnose = async () => new Map(((await vscode.commands.executeCommand('claudeBedrock.diagnose')) as { id: string; status: string; found: string; fix?: string }[]).map((r) => [r.id, r]));
    let rows = await diagnose();
    assert.equal(rows.get('idp.discovery')?.status, 'pass', rows.get('idp.discovery')?.found);
    assert.match(rows.get('idp.discovery')?.found ?? '', /IAM Identity Center's sign-in service \(http:\/\/127\.0\.0\.1:\d+\) and access portal \(http:\/\/127\.0\.0\.1:\d+\) answer, in us-east-1; the start URL is https:\/\/d-9067a1b2c3\.awsapps\.com\/start\./);
    assert.equal(rows.get('idp.clock')?.status, 'pass');
    assert.match(rows.get('idp.clock')?.found ?? '', /This computer's clock is \d+ s (ahead of|behind) IAM Identity Center's\./);
    assert.equal(rows.get('idp.capabilities')?.status, 'skipped');
    assert.match(rows.get('idp.session')?.found ?? '', /the Identity Center access token \d+ min \(account \d{12}, \w+\)/);
    assert.equal(rows.get('aws.sts')?.status, 'pass', rows.get('aws.sts')?.found);
    assert.equal(testApi.state().kind, 'signedIn');

    await changeSetting('ssoOidcEndpoint', 'http://127.0.0.1:9');
    rows = await diagnose();
    assert.equal(rows.get('idp.discovery')?.status, 'fail');
    assert.match(rows.get('idp.discovery')?.found ?? '', /IAM Identity Center's sign-in service \(http:\/\/127\.0\.0\.1:9\) could not be reached/);
    assert.match(rows.get('idp.discovery')?.fix ?? '', /claudeBedrock\.ssoOidcEndpoint/);
  });
});
