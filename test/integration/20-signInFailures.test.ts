// Every failure a user can meet while signing in: each ends with a sentence that says what
// happened and what to do, the right buttons, and nothing stored.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { UNREGISTERED_CLIENT_ID } from '../support/idp';
import { browse } from '../support/robotBrowser';
import { SHORT_ROLE_ARN, UNTRUSTED_ROLE_ARN } from '../support/world';
import { assertNothingStored, aws, changeSetting, harness, idp, ui, useExtension, waitFor } from './helpers';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Sign-in failures', () => {
  const testApi = useExtension();

  /** Runs Sign In and returns the one notification it showed. */
  async function failedSignIn(): Promise<{ severity: string; message: string; buttons: readonly string[] }> {
    const from = testApi.notifications.length;
    const result = (await vscode.commands.executeCommand('claudeBedrock.signIn')) as { signedIn: boolean };
    assert.equal(result.signedIn, false);
    const shown = testApi.notifications.slice(from);
    assert.equal(shown.length, 1, `one notification, got ${JSON.stringify(shown)}`);
    assert.doesNotMatch(shown[0].message, /\n\s+at /, 'no stack trace');
    await assertNothingStored(testApi);
    assert.equal(testApi.state().kind, 'signedOut');
    return shown[0];
  }

  it('names a missing setting and opens it', async () => {
    await changeSetting('issuer', '');
    const shown = await failedSignIn();
    assert.match(shown.message, /the setting claudeBedrock\.issuer is not set/);
    assert.deepEqual(shown.buttons, ['Open Settings']);
  });

  it('refuses an issuer that is not https', async () => {
    await changeSetting('issuer', 'http://idp.example.com/');
    const shown = await failedSignIn();
    assert.match(shown.message, /claudeBedrock\.issuer must be an https:\/\/ URL/);
  });

  it('names every malformed setting, starting with the first', async () => {
    await changeSetting('roleArn', 'ClaudeCodeBedrock');
    await changeSetting('region', 'Virginia');
    const shown = await failedSignIn();
    assert.match(shown.message, /claudeBedrock\.roleArn is not an IAM role ARN/);
    assert.match(shown.message, /1 more setting needs attention/);
  });

  it('says the identity provider cannot be reached', async () => {
    await changeSetting('issuer', `http://127.0.0.1:${await closedPort()}/tenant/`);
    const shown = await failedSignIn();
    assert.match(shown.message, /^Could not reach your identity provider at http:\/\/127\.0\.0\.1:\d+\/tenant\/ \(ECONNREFUSED\)\. Check your network or VPN/);
    assert.deepEqual(shown.buttons, ['Sign In', 'Show Log', 'Diagnose']);
  });

  it('says the identity provider answered with an error page', async () => {
    await idp.faults({ tokenStatus: 503 });
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /identity provider at .* gave an unexpected answer/);
  });

  it('says the user declined at the identity provider', async () => {
    await idp.deny();
    const shown = await failedSignIn();
    assert.match(shown.message, /^Sign-in was declined at your identity provider: The user declined the sign-in\. If you did not mean/);
    assert.deepEqual(shown.buttons, ['Sign In']);
  });

  it('times out when the browser never comes back, naming the client ID and the redirect URI, with Diagnose', async () => {
    await changeSetting('signInTimeout', 2);
    await idp.wait();
    const shown = await failedSignIn();
    assert.match(shown.message, /^Sign-in timed out: the browser did not come back within 2 seconds\./);
    assert.match(shown.message, new RegExp(`check claudeBedrock\\.clientId and that the redirect URI http://127\\.0\\.0\\.1:${harness.redirectPort()}/callback is allowed for it: Diagnose checks both\\.`));
    assert.deepEqual(shown.buttons, ['Diagnose', 'Sign In']);
  });

  it('with a client ID the identity provider does not know, times out naming claudeBedrock.clientId, and Diagnose says the identity provider does not know it', async function () {
    this.timeout(120_000);
    await changeSetting('clientId', 'no-such-client');
    await changeSetting('signInTimeout', 2);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /^Sign-in timed out: .*such as invalid_client.*check claudeBedrock\.clientId/);
    assert.deepEqual(shown.buttons, ['Diagnose', 'Sign In']);
    const rows = (await vscode.commands.executeCommand('claudeBedrock.diagnose')) as { id: string; status: string; found: string; fix?: string }[];
    const client = rows.find((r) => r.id === 'idp.client');
    assert.equal(client?.status, 'fail', client?.found);
    assert.match(client?.found ?? '', /asked to start a sign-in for claudeBedrock\.clientId no-such-client .* it does not know the client ID \(invalid_client\)/);
    assert.match(client?.fix ?? '', /^Set claudeBedrock\.clientId to the client ID/);
  });

  it('stops when the user cancels the progress notification', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    const from = testApi.notifications.length;
    await idp.wait();
    const running = vscode.commands.executeCommand('claudeBedrock.signIn');
    await waitFor('the sign-in progress notification', async () => (await ui.notifications()).some((t) => /Signing in/.test(t)));
    await ui.clickNotificationButton('Cancel');
    assert.deepEqual(await running, { signedIn: false });
    assert.deepEqual(
      testApi.notifications.slice(from).map((n) => [n.severity, n.message]),
      [['info', 'Sign-in cancelled.']],
    );
    await assertNothingStored(testApi);
  });

  it('stops when the user cancels from the status bar', async () => {
    await idp.wait();
    const running = vscode.commands.executeCommand('claudeBedrock.signIn');
    await waitFor('the signing-in state', () => testApi.state().kind === 'signingIn');
    assert.equal(testApi.statusBar()?.command, 'claudeBedrock.cancelSignIn');
    await vscode.commands.executeCommand(testApi.statusBar()!.command);
    assert.deepEqual(await running, { signedIn: false });
    await assertNothingStored(testApi);
  });

  it("refuses an answer whose state the identity provider changed, keeps waiting, and at the time-out says so without blaming an old tab", async function () {
    this.timeout(60_000);
    await changeSetting('signInTimeout', 5);
    // The browser VS Code opens stays at the login form; the one the test drives comes back with a changed state.
    await idp.wait();
    const from = testApi.notifications.length;
    const running = vscode.commands.executeCommand('claudeBedrock.signIn') as Thenable<{ signedIn: boolean }>;
    const authorization = await waitFor('the authorization request', async () => (await idp.authorizations()).at(-1));
    // VS Code's browser has met its login form (the queued wait) before the test's browser asks for the next login.
    await waitFor("VS Code's browser at the login form", async () => (await idp.queued()) === 0);
    await idp.faults({ tamperState: true });
    await idp.login('alice');
    assert.match(await browse(`${harness.idpOrigin()}/auth?${new URLSearchParams(authorization)}`), /^400 http:\/\/127\.0\.0\.1:\d+\/callback\?.*state=tampered-state-value/);
    assert.equal(testApi.state().kind, 'signingIn', 'the refused answer ended nothing');
    assert.equal((await running).signedIn, false);
    const shown = testApi.notifications.slice(from);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.match(shown[0].message, /^Sign-in timed out: the browser did not come back with this sign-in's answer within 5 seconds\. VS Code refused one answer at its sign-in port that did not belong to this sign-in/);
    assert.doesNotMatch(shown[0].message, /old|earlier/);
    assert.deepEqual(shown[0].buttons, ['Sign In', 'Show Log', 'Diagnose']);
    await assertNothingStored(testApi);
  });

  for (const [claim, pattern] of [
    ['iss', /failed validation: it was issued by a different issuer than claudeBedrock\.issuer/],
    ['aud', /failed validation: it was issued for a different client than claudeBedrock\.clientId/],
    ['nonce', /failed validation: its nonce does not match this sign-in/],
    ['exp', /ID token that is already expired or not yet valid\. Check that this computer's clock/],
  ] as const) {
    it(`rejects an ID token with a wrong ${claim}`, async () => {
      await idp.faults({ idToken: claim });
      await idp.login('alice');
      const shown = await failedSignIn();
      assert.match(shown.message, pattern);
      assert.equal((await aws.calls()).length, 0, 'STS never saw the token');
    });
  }

  it('says AWS does not accept tokens of an unregistered client (InvalidIdentityToken)', async () => {
    await changeSetting('clientId', UNREGISTERED_CLIENT_ID);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /^AWS did not accept your sign-in token \(InvalidIdentityToken\)\. Your platform team must register .* with the audience unregistered-app\./);
    assert.deepEqual(shown.buttons, ['Show Log', 'Diagnose']);
  });

  it("says the role's trust policy does not allow the user (AccessDenied)", async () => {
    await changeSetting('roleArn', UNTRUSTED_ROLE_ARN);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, new RegExp(`^AWS did not let you assume the role ${UNTRUSTED_ROLE_ARN}: its trust policy does not allow your identity`));
    assert.deepEqual(shown.buttons, ['Open Settings', 'Show Log', 'Diagnose']);
  });

  it('says the session duration is longer than the role allows', async () => {
    await changeSetting('roleArn', SHORT_ROLE_ARN);
    await changeSetting('sessionDuration', 7200);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /does not allow sessions of 7200 seconds\. Lower claudeBedrock\.sessionDuration/);
  });

  it('says the token looks expired to AWS when the clocks disagree (ExpiredTokenException)', async () => {
    await aws.clock(2 * 3600);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /^AWS rejected your sign-in token as expired\. Check that this computer's clock is set correctly/);
  });

  it('retries when STS cannot reach the identity provider, and succeeds', async () => {
    await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'error', status: 400, code: 'IDPCommunicationError', message: 'Could not reach the IdP', times: 2 }]);
    await idp.login('alice');
    const result = (await vscode.commands.executeCommand('claudeBedrock.signIn')) as { signedIn: boolean };
    assert.equal(result.signedIn, true);
    const attempts = (await aws.calls()).filter((c) => c.action === 'AssumeRoleWithWebIdentity').map((c) => c.errorCode ?? 'ok');
    assert.deepEqual(attempts, ['IDPCommunicationError', 'IDPCommunicationError', 'ok']);
  });

  it('gives up after retrying when STS keeps failing to reach the identity provider', async () => {
    await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'error', status: 400, code: 'IDPCommunicationError', message: 'Could not reach the IdP', times: 10 }]);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /^AWS could not reach your identity provider to verify your sign-in \(IDPCommunicationError\), even after several tries/);
    assert.equal((await aws.calls()).filter((c) => c.action === 'AssumeRoleWithWebIdentity').length, 4);
  });

  it('says STS is not activated in the region (RegionDisabledException)', async () => {
    await aws.faults([{ service: 'sts', kind: 'error', status: 403, code: 'RegionDisabledException', message: 'STS is not activated in this region for account:123456789012.' }]);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /^AWS STS is not activated in us-east-1 for this account\./);
    assert.deepEqual(shown.buttons, ['Open Settings']);
  });

  it('says STS cannot be reached', async () => {
    await changeSetting('stsEndpoint', `http://127.0.0.1:${await closedPort()}`);
    await idp.login('alice');
    const shown = await failedSignIn();
    assert.match(shown.message, /^Could not reach AWS STS at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('says the redirect port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(harness.redirectPort(), '127.0.0.1', resolve));
    try {
      const shown = await failedSignIn();
      assert.match(shown.message, new RegExp(`^Sign-in could not start: port ${harness.redirectPort()} on 127\\.0\\.0\\.1 is already in use`));
      assert.deepEqual(shown.buttons, ['Sign In', 'Open Settings']);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('shows the failure as a notification in the window', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    await idp.deny();
    await vscode.commands.executeCommand('claudeBedrock.signIn');
    await waitFor('the notification in the workbench', async () => (await ui.notifications()).some((t) => t.startsWith('Sign-in was declined')));
    await waitFor('the progress notification to close', async () => !(await ui.notifications()).some((t) => /Signing in/.test(t)));
    await ui.screenshot('sign-in-declined');
  });
});
