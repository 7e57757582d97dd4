// Faults at every step (sign-in, renewal, model check, usage), races, and the webview's
// Content-Security-Policy. Every fault ends in a state the user leaves with one action, with a
// clear message, and no half-stored credentials.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from './extensionUnderTest';
import type { FaultRule } from '../support/aws/emulator';
import { assertNothingStored, aws, changeSetting, harness, idp, messagesSince, request, signInAs, terminalEndpoint, ui, useExtension, waitFor } from './helpers';

/** Counts what these tests inject, for the README's table. */
let injected = 0;

describe('Hardening: faults, races and the webview', () => {
  const testApi = useExtension();

  after(() => {
    console.log(`[mocha]       (${injected} faults injected in this suite)`);
  });

  /** Signs in expecting failure; returns the one notification, after checking nothing was stored. */
  async function failingSignIn(): Promise<{ message: string; buttons: readonly string[] }> {
    const from = testApi.notifications.length;
    const result = (await vscode.commands.executeCommand('claudeBedrock.signIn')) as { signedIn: boolean };
    assert.equal(result.signedIn, false);
    const [shown] = testApi.notifications.slice(from);
    assert.ok(shown, 'a notification');
    assert.ok(shown.buttons.includes('Sign In') || shown.buttons.includes('Open Settings'), `one action to recover: ${shown.buttons.join(', ')}`);
    assert.doesNotMatch(shown.message, /\n\s+at |undefined|\[object/);
    await assertNothingStored(testApi);
    return shown;
  }

  describe('at sign-in', () => {
    it('IdP discovery answers 502', async () => {
      injected++;
      await idp.faults({ discoveryStatus: 502 });
      assert.match((await failingSignIn()).message, /gave an unexpected answer/);
    });

    it('STS answers 500 every time', async () => {
      injected++;
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'server', times: 10 }]);
      await idp.login('alice');
      assert.match((await failingSignIn()).message, /AWS STS refused the sign-in \(InternalFailure\)/);
    });

    it('STS answers with malformed XML', async () => {
      injected++;
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'malformed', times: 10 }]);
      await idp.login('alice');
      const shown = await failingSignIn();
      assert.match(shown.message, /STS|unexpectedly/);
    });

    it('the IdP does not answer discovery', async () => {
      injected++;
      await changeSetting('requestTimeout', 2);
      await idp.faults({ hang: 'discovery' });
      const shown = await failingSignIn();
      assert.match(shown.message, /^Could not reach your identity provider at .+ \(no answer within 2 s\)\. Check your network or VPN connection, then sign in again\.$/);
      assert.deepEqual(shown.buttons, ['Sign In', 'Show Log', 'Diagnose']);
    });

    it('the IdP does not answer the code exchange', async () => {
      injected++;
      await changeSetting('requestTimeout', 2);
      await idp.login('alice');
      await idp.faults({ hang: 'token' });
      const shown = await failingSignIn();
      assert.match(shown.message, /^Could not reach your identity provider at .+ \(no answer within 2 s\)/);
    });

    it('the IdP answers the code exchange with 503', async () => {
      injected++;
      await idp.login('alice');
      await idp.faults({ tokenStatus: 503 });
      assert.match((await failingSignIn()).message, /gave an unexpected answer/);
    });

    it('STS does not answer: all attempts end within twice the request timeout', async () => {
      injected++;
      await changeSetting('requestTimeout', 2);
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'hang', times: 10 }]);
      await idp.login('alice');
      const shown = await failingSignIn();
      assert.match(shown.message, /^Could not reach AWS STS at http:\/\/127\.0\.0\.1:\d+ \(no answer within 4 s\)\. Check your network, proxy or VPN connection, then sign in again\.$/);
      const hung = (await aws.calls()).filter((c) => c.action === 'AssumeRoleWithWebIdentity' && c.errorCode === 'Hung');
      assert.ok(hung.length >= 1 && hung.length <= 2, `${hung.length} attempts before the deadline`);
    });

    it('STS does not answer once: the retry signs in', async () => {
      injected++;
      await changeSetting('requestTimeout', 2);
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'hang', times: 1 }]);
      assert.equal((await signInAs('alice')).signedIn, true);
      const attempts = (await aws.calls()).filter((c) => c.action === 'AssumeRoleWithWebIdentity');
      assert.deepEqual(attempts.map((c) => c.status), [0, 200]);
    });

    for (const minutes of [10, -10]) {
      it(`works with this computer's clock ${minutes > 0 ? 'behind' : 'ahead of'} the IdP and AWS by 10 minutes`, async () => {
        injected++;
        await idp.faults({ clockSkewSeconds: minutes * 60 });
        await aws.clock(minutes * 60);
        assert.equal((await signInAs('alice')).signedIn, true);
        const account = (await vscode.commands.executeCommand('claudeBedrock.showAccount')) as { verified: boolean };
        assert.equal(account.verified, true, 'SigV4 accepted within the 15-minute window');
        await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
        assert.equal(testApi.state().kind, 'signedIn', 'renewal works too');
      });
    }

    for (const minutes of [10, -10]) {
      it(`works with AWS's clock ${minutes > 0 ? 'ahead' : 'behind'} by 10 minutes`, async () => {
        injected++;
        await aws.clock(minutes * 60);
        const result = await signInAs('alice');
        assert.equal(result.signedIn, true);
        const account = (await vscode.commands.executeCommand('claudeBedrock.showAccount')) as { verified: boolean };
        assert.equal(account.verified, true, 'SigV4 accepted within the 15-minute window');
      });
    }
  });

  describe('at renewal', () => {
    it('an expired refresh token asks for a new sign-in and keeps nothing renewable', async () => {
      injected++;
      await signInAs('alice');
      await idp.faults({ refreshExpired: true });
      await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      await waitFor('the needs-sign-in state', () => testApi.state().kind === 'needsSignIn');
      assert.equal(testApi.statusBar()?.command, 'claudeBedrock.signIn', 'one click to recover');
    });

    it('STS failing during a renewal keeps the session and its working keys', async () => {
      injected++;
      await signInAs('alice');
      const before = testApi.state();
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'server', times: 10 }]);
      await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      const after = testApi.state();
      assert.equal(after.kind, 'signedIn', 'a transient failure does not end the session');
      assert.equal(after.kind === 'signedIn' && before.kind === 'signedIn' && after.session.credentials.accessKeyId, before.kind === 'signedIn' && before.session.credentials.accessKeyId);
    });

    /** Renews with a fault in place: the session goes on with its working keys, nothing lost. */
    async function renewalKeepsSession(): Promise<void> {
      const before = testApi.state();
      assert.equal(before.kind, 'signedIn');
      const from = testApi.notifications.length;
      await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      const after = testApi.state();
      assert.equal(after.kind, 'signedIn', 'a transient failure does not end the session');
      assert.equal(after.kind === 'signedIn' && after.session.credentials.accessKeyId, before.session.credentials.accessKeyId);
      const [shown] = testApi.notifications.slice(from);
      assert.ok(shown, 'the user hears that the renewal failed');
      // Still signed in: the sentence says so, and when the keys run out; no Sign In to click.
      assert.match(shown.message, /^Your AWS keys could not be renewed just now: .+\. You are still signed in: the current AWS keys work until .+, and renewal tries again by itself\.$/);
      assert.deepEqual(shown.buttons, ['Show Log', 'Diagnose']);
      assert.equal(await testApi.hasStoredSession(), true);
    }

    it('the IdP does not answer the refresh: the session keeps its keys', async () => {
      injected++;
      await signInAs('alice');
      await changeSetting('requestTimeout', 2);
      await idp.faults({ hang: 'token' });
      await renewalKeepsSession();
      assert.match(testApi.notifications.at(-1)?.message ?? '', /no answer within 2 s/);
    });

    it('the IdP answers the refresh with 502: the session keeps its keys', async () => {
      injected++;
      await signInAs('alice');
      await idp.faults({ tokenStatus: 502 });
      await renewalKeepsSession();
    });

    it('STS does not answer during a renewal: the session keeps its keys', async () => {
      injected++;
      await signInAs('alice');
      await changeSetting('requestTimeout', 2);
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'hang', times: 10 }]);
      await renewalKeepsSession();
      assert.match(testApi.notifications.at(-1)?.message ?? '', /no answer within 4 s/);
    });

    it('a revoked session asks for a new sign-in, and one Sign In recovers', async () => {
      injected++;
      await signInAs('alice');
      await idp.revoke();
      await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      await waitFor('the needs-sign-in state', () => testApi.state().kind === 'needsSignIn');
      assert.equal(testApi.statusBar()?.command, 'claudeBedrock.signIn');
      assert.equal((await signInAs('alice')).signedIn, true);
    });

    it('a renewal racing a sign-out ends signed out', async () => {
      injected++;
      await signInAs('alice');
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'delay', delayMs: 1500 }]);
      const refreshTokens = (await idp.issued()).refreshTokens.length;
      const renewal = vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      // The IdP has renewed (a new refresh token): STS is holding the rest of the renewal.
      await waitFor('the renewal to be at STS', async () => (await idp.issued()).refreshTokens.length > refreshTokens);
      await vscode.commands.executeCommand('claudeBedrock.signOut');
      await renewal;
      assert.equal(testApi.state().kind, 'signedOut');
      await assertNothingStored(testApi);
    });

    it('gives 50 terminals asking during a rotation valid keys', async () => {
      await signInAs('alice');
      await testApi.terminalsUpdated();
      const { uri, token } = await terminalEndpoint(testApi);
      const rotation = vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      const answers: { status: number; body: string }[] = [];
      let rotating = true;
      void Promise.resolve(rotation).then(() => (rotating = false));
      while (rotating || answers.length < 200) {
        answers.push(...(await Promise.all(Array.from({ length: 50 }, () => request(uri, { authorization: token })))));
        if (answers.length > 2000) break;
      }
      const keys = new Map((await aws.keys()).map((k) => [k.accessKeyId, k]));
      const seen = new Set<string>();
      for (const a of answers) {
        assert.equal(a.status, 200);
        const body = JSON.parse(a.body) as { AccessKeyId: string; Expiration: string };
        const issued = keys.get(body.AccessKeyId);
        assert.ok(issued, 'keys the emulator issued');
        assert.ok(Date.parse(body.Expiration) > Date.now(), 'not expired');
        seen.add(body.AccessKeyId);
      }
      assert.ok(seen.size >= 1 && seen.size <= 2, `${seen.size} key sets served`);
    });
  });

  describe('in the model check and the usage indicator', () => {
    it('Bedrock not answering, or not reachable, is reported with Check Again, and never blocks', async () => {
      injected += 2;
      await signInAs('alice');
      await waitFor('the first check', () => testApi.modelReport());
      await changeSetting('requestTimeout', 2);
      await aws.faults([{ service: 'bedrock', kind: 'hang', times: 40 }]);
      const hung = (await vscode.commands.executeCommand('claudeBedrock.checkModels')) as NonNullable<ReturnType<TestApi['modelReport']>>;
      assert.deepEqual(hung.checks.map((c) => c.status), ['error', 'error', 'error', 'error', 'error']);
      assert.deepEqual(hung.checks[0].fix, { kind: 'retry', label: 'Check Again' });
      assert.match(hung.checks[0].reason, /^Bedrock could not be reached \(no answer in time\)/);
      await aws.reset();
      await changeSetting('bedrockControlEndpoint', 'http://127.0.0.1:9');
      const refused = (await vscode.commands.executeCommand('claudeBedrock.checkModels')) as typeof hung;
      assert.deepEqual(refused.checks.map((c) => c.status), ['error', 'error', 'error', 'error', 'error']);
      assert.match(refused.checks[0].reason, /^Bedrock could not be reached \(ECONNREFUSED\)/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.equal(testApi.state().kind, 'signedIn');
    });

    it('CloudWatch not answering leaves the last figures, marked stale', async () => {
      injected++;
      await signInAs('alice');
      await vscode.commands.executeCommand('claudeBedrock.refreshUsage');
      assert.ok(testApi.usage().fetchedAt, 'first figures');
      await changeSetting('requestTimeout', 2);
      await aws.faults([{ service: 'monitoring', action: 'GetMetricData', kind: 'hang', times: 2 }]);
      const state = (await vscode.commands.executeCommand('claudeBedrock.refreshUsage')) as ReturnType<TestApi['usage']>;
      assert.match(state.stale ?? '', /^CloudWatch at http:\/\/127\.0\.0\.1:\d+ did not answer within 2 s\.$/);
      assert.ok(state.figures, 'the last figures stay');
    });

    it('Bedrock answering 500 or garbage is reported with Check Again, and never blocks', async () => {
      injected += 2;
      await aws.faults([{ service: 'bedrock', kind: 'server', times: 40 }]);
      await signInAs('alice');
      const report = await waitFor('a failed check', () => testApi.modelReport());
      assert.deepEqual(report.checks.map((c) => c.status), ['error', 'error', 'error', 'error', 'error']);
      assert.deepEqual(report.checks[0].fix, { kind: 'retry', label: 'Check Again' });
      await aws.reset();
      await aws.faults([{ service: 'bedrock', kind: 'malformed', times: 40 }]);
      const again = (await vscode.commands.executeCommand('claudeBedrock.checkModels')) as typeof report;
      assert.ok(again.checks.every((c) => c.status === 'error'), JSON.stringify(again.checks.map((c) => c.status)));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.equal(testApi.state().kind, 'signedIn');
    });

    it('CloudWatch answering 500, garbage, or nothing leaves the last figures, marked stale', async () => {
      injected += 3;
      await signInAs('alice');
      await vscode.commands.executeCommand('claudeBedrock.refreshUsage');
      assert.ok(testApi.usage().fetchedAt, `first figures (paused: ${testApi.usage().paused}, focused: ${vscode.window.state.focused})`);
      for (const [rule, reason] of [
        [{ service: 'monitoring', action: 'GetMetricData', kind: 'server' as const, times: 2 }, /CloudWatch answered/],
        [{ service: 'monitoring', action: 'GetMetricData', kind: 'malformed' as const, times: 2 }, /could not read|CloudWatch answered/],
      ] as const) {
        await aws.faults([rule]);
        const state = (await vscode.commands.executeCommand('claudeBedrock.refreshUsage')) as ReturnType<TestApi['usage']>;
        assert.match(state.stale ?? '', reason);
        assert.ok(state.figures, 'the last figures stay');
      }
      await changeSetting('cloudWatchEndpoint', 'http://127.0.0.1:9');
      const state = (await vscode.commands.executeCommand('claudeBedrock.refreshUsage')) as ReturnType<TestApi['usage']>;
      assert.match(state.stale ?? '', /could not be reached/);
      assert.ok(state.figures);
    });
  });

  describe('two windows signing in at the same moment', () => {
    afterEach(async () => {
      if (harness.hasBrowserBridge()) await ui.closeWindows();
    });

    async function otherWindow(): Promise<number> {
      const index = (await ui.openWindow()).index;
      await waitFor('the other window to load the extension', async () => /Sign In/.test((await ui.windowStatusBar(index)).text), 60_000);
      return index;
    }

    /** Both windows signed in by one IdP flow; nothing said here since notification `from`. */
    async function assertOneFlow(other: number, from: number): Promise<void> {
      assert.equal(testApi.state().kind, 'signedIn');
      await waitFor('the other window to show the account', async () => /Alice/i.test((await ui.windowStatusBar(other)).text), 30_000);
      assert.equal((await idp.authorizations()).length, 1, 'one IdP flow');
      const assumed = (await aws.calls()).filter((c) => c.action === 'AssumeRoleWithWebIdentity');
      assert.equal(assumed.length, 1, 'one STS call');
      const said = messagesSince(testApi, from);
      assert.ok(!said.some((m) => /in use|did not finish/.test(m)), said.join(' | '));
    }

    /**
     * The other window signs in and is held at STS (then meets `stsFaults`); this window signs in
     * too and joins it. Returns this window's Sign In, and the notification count before it.
     */
    async function joinOtherWindowsSignIn(other: number, stsFaults: FaultRule[] = []): Promise<{ here: Thenable<unknown>; from: number }> {
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'hold' }, ...stsFaults]);
      await idp.login('alice');
      await ui.windowCommand(other, 'Claude Bedrock: Sign In');
      await waitFor('the other window to be at STS', async () => (await aws.held()).held === 1, 30_000);
      const from = testApi.notifications.length;
      const here = vscode.commands.executeCommand('claudeBedrock.signIn');
      await waitFor('this window to join', () => testApi.signInRole() === 'following');
      await aws.release();
      return { here, from };
    }

    it('this window leads: the other joins its sign-in instead of starting one', async function () {
      if (!harness.hasBrowserBridge()) this.skip();
      const other = await otherWindow();
      const from = testApi.notifications.length;
      await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'hold' }]);
      await idp.login('alice');
      const here = vscode.commands.executeCommand('claudeBedrock.signIn');
      await waitFor('this window to be at STS', async () => (await aws.held()).held === 1);
      await ui.windowCommand(other, 'Claude Bedrock: Sign In');
      await waitFor('the other window to join', () => testApi.signInFollowers() === 1, 30_000);
      await aws.release();
      assert.equal(((await here) as { signedIn: boolean }).signedIn, true);
      await assertOneFlow(other, from);
    });

    it('the other window leads: this one joins its sign-in instead of starting one', async function () {
      if (!harness.hasBrowserBridge()) this.skip();
      const other = await otherWindow();
      const { here, from } = await joinOtherWindowsSignIn(other);
      assert.equal(((await here) as { signedIn: boolean }).signedIn, true);
      await assertOneFlow(other, from);
      const key = (await aws.keys()).at(-1)!;
      const state = testApi.state();
      // Compared, never printed: a failing assertion would put the key in the test report.
      assert.ok(state.kind === 'signedIn' && state.session.credentials.accessKeyId === key.accessKeyId, "this window uses the other window's keys");
    });

    it("hears when the other window's sign-in fails, stores nothing, and one Sign In recovers", async function () {
      if (!harness.hasBrowserBridge()) this.skip();
      injected++;
      const other = await otherWindow();
      const { here, from } = await joinOtherWindowsSignIn(other, [
        { service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'error', status: 403, code: 'AccessDenied', message: 'Not authorized' },
      ]);
      assert.equal(((await here) as { signedIn: boolean }).signedIn, false);
      const [shown] = testApi.notifications.slice(from);
      assert.equal(shown?.message, 'The sign-in in another VS Code window did not finish. Sign in again to start a new one.');
      assert.deepEqual(shown.buttons, ['Sign In']);
      await assertNothingStored(testApi);
      assert.equal((await signInAs('alice')).signedIn, true, 'one Sign In recovers');
    });
  });

  describe('the usage dashboard webview', () => {
    it('runs no injected inline script, loads nothing remote, and drops messages of unknown shape', async function () {
      if (!harness.hasBrowserBridge()) this.skip();
      await signInAs('alice');
      await vscode.commands.executeCommand('claudeBedrock.refreshUsage');
      await vscode.commands.executeCommand('claudeBedrock.showUsage');
      await ui.webviewText('[data-figure="freshness"]');
      const result = await ui.webviewAttack();
      assert.equal(result.inlineScriptRan, false, 'an inline script without the nonce ran');
      assert.ok(result.violations.some((v) => v.startsWith('script-src')), `CSP violations: ${result.violations.join(', ')}`);
      assert.ok(result.violations.some((v) => v.startsWith('img-src')), `CSP violations: ${result.violations.join(', ')}`);
      const dropped = testApi.dashboardDropped();
      await ui.webviewPostMessages([{ type: 'run', command: 'workbench.action.terminal.new' }, 'refresh', { type: 'refresh', extra: true }]);
      await waitFor('the odd messages to be dropped', () => testApi.dashboardDropped() >= dropped + 3);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });
});
