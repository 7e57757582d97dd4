// Signing in, renewing and signing out, end to end: the real IdP, the emulator's STS, and the
// extension's own commands in a real VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AccountInfo } from '../../src/commands';
import { assertNothingStored, aws, changeSetting, harness, idp, signInAs, ui, useExtension, waitFor } from './helpers';

describe('Sign-in', () => {
  const testApi = useExtension();

  it('signs in through the IdP with PKCE and stores working AWS credentials for the user', async () => {
    const result = await signInAs('alice');
    assert.deepEqual(result, { signedIn: true, subject: 'alice' });

    const state = testApi.state();
    assert.equal(state.kind, 'signedIn');
    assert.match(testApi.statusBar()?.text ?? '', /alice@example\.com/);

    // The browser was sent to the IdP with a PKCE S256 challenge, a state and a nonce.
    const [authorization] = (await idp.authorizations()).slice(-1);
    assert.equal(authorization.code_challenge_method, 'S256');
    assert.ok(authorization.code_challenge && authorization.state && authorization.nonce);
    assert.equal(authorization.redirect_uri, `http://127.0.0.1:${process.env.CB_TEST_REDIRECT_PORT}/callback`);

    // Show Account proves the stored keys work: AWS (the emulator) names the role session after the user.
    const account = (await vscode.commands.executeCommand('claudeBedrock.showAccount')) as AccountInfo;
    assert.equal(account.verified, true);
    assert.equal(account.arn, 'arn:aws:sts::123456789012:assumed-role/ClaudeCodeBedrock/alice@example.com');
    const [caller] = (await aws.calls()).filter((c) => c.action === 'GetCallerIdentity');
    const issued = (await aws.keys()).find((k) => k.accessKeyId === caller.accessKeyId);
    assert.equal(issued?.sessionName, 'alice@example.com');

    // The browser's page said so. Playwright learns of a popup and its navigations on its own
    // schedule, so the test waits for it to see the callback page.
    if (harness.hasBrowserBridge()) {
      const callback = `http://127.0.0.1:${harness.redirectPort()}/callback`;
      let shown: string[] = [];
      const page = await waitFor('the callback page in the browser', async () => (shown = await ui.popups()).find((url) => url.startsWith(callback))).catch(() => undefined);
      assert.ok(page, `The browser shows ${shown.length ? shown.join(', ') : 'no page besides the workbench'}, not ${callback}.`);
    }
  });

  it('names the role session after the subject, cleaned for STS, when the IdP sends no email', async () => {
    await signInAs('bob');
    const account = (await vscode.commands.executeCommand('claudeBedrock.showAccount')) as AccountInfo;
    assert.equal(account.email, undefined);
    assert.equal(account.arn, 'arn:aws:sts::123456789012:assumed-role/ClaudeCodeBedrock/auth0-bob-7f3a');
    assert.match(testApi.statusBar()?.text ?? '', /Bob Nomail/);
  });

  it('signs in a user whose ID token is larger than 4 KB', async () => {
    await signInAs('carol');
    const [token] = (await idp.issued()).idTokens.slice(-1);
    assert.ok(token.length > 4096, `the ID token has ${token.length} characters`);
    const account = (await vscode.commands.executeCommand('claudeBedrock.showAccount')) as AccountInfo;
    assert.equal(account.verified, true);
    assert.equal(account.email, 'carol@example.com');
  });

  it('renews the session silently when the credentials are about to expire', async () => {
    // The first keys STS hands out live only 90 s: inside the renewal window at once.
    await aws.shortLived(90);
    await signInAs('alice');
    const first = testApi.state();
    assert.equal(first.kind, 'signedIn');
    const firstKey = first.kind === 'signedIn' ? first.session.credentials.accessKeyId : '';
    const firstRefreshToken = first.kind === 'signedIn' ? first.session.refreshToken : '';

    const renewed = await waitFor('a renewed session', () => {
      const s = testApi.state();
      return s.kind === 'signedIn' && s.session.credentials.accessKeyId !== firstKey ? s.session : undefined;
    });
    assert.ok(Date.parse(renewed.credentials.expiration) - Date.now() > 30 * 60_000, 'the renewed keys live the configured hour');
    assert.notEqual(renewed.refreshToken, firstRefreshToken, 'the IdP rotated the refresh token and the new one was kept');
    assert.equal((await idp.authorizations()).length, 1, 'no second browser sign-in');
    const account = (await vscode.commands.executeCommand('claudeBedrock.showAccount')) as AccountInfo;
    assert.equal(account.verified, true);
  });

  it('says sign-in is needed when the renewal is refused, and offers Sign In', async () => {
    await signInAs('alice');
    await idp.revoke();
    const from = testApi.notifications.length;
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    await waitFor('the needs-sign-in state', () => testApi.state().kind === 'needsSignIn');
    const shown = testApi.notifications.slice(from).find((n) => /could not be renewed/.test(n.message));
    assert.ok(shown, 'a notification says the session could not be renewed');
    assert.deepEqual(shown.buttons, ['Sign In']);
    assert.equal(testApi.statusBar()?.warning, true);
    assert.match(testApi.statusBar()?.text ?? '', /Sign in again/);
  });

  it('signs out and leaves nothing stored', async () => {
    await signInAs('alice');
    assert.equal(await testApi.hasStoredSession(), true);
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    assert.equal(testApi.state().kind, 'signedOut');
    await assertNothingStored(testApi);
    assert.match(testApi.statusBar()?.text ?? '', /Sign In/);
  });

  it('joins a second Sign In to the one already running', async () => {
    await idp.login('alice');
    const first = vscode.commands.executeCommand('claudeBedrock.signIn');
    const second = vscode.commands.executeCommand('claudeBedrock.signIn');
    const results = await Promise.all([first, second]);
    assert.deepEqual(results[0], results[1]);
    assert.equal((await idp.authorizations()).length, 1, 'one browser flow');
  });

  it('uses a longer session when the setting asks for one', async () => {
    await changeSetting('sessionDuration', 7200);
    await signInAs('alice');
    const s = testApi.state();
    assert.equal(s.kind, 'signedIn');
    const lifetime = Date.parse(s.kind === 'signedIn' ? s.session.credentials.expiration : '') - Date.now();
    assert.ok(lifetime > 7000_000 && lifetime <= 7200_000, `lifetime ${lifetime} ms`);
  });
});
