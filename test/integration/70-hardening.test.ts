// Faults at every step (sign-in, renewal, model check, usage), races, and the webview's
// Content-Security-Policy. Every fault ends in a state the user leaves with one action, with a
// clear message, and no half-stored credentials.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/main';
import { api, assertNothingStored, aws, changeSetting, freshStart, harness, idp, signInAs, ui, waitFor } from './helpers';

/** Counts what these tests inject, for the README's table. */
let injected = 0;

function get(uri: string, token: string): Promise<{ status: number; body: string }> {
  const url = new URL(uri);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { authorization: token }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe('Hardening: faults, races and the webview', () => {
  let testApi: TestApi;

  before(async () => {
    testApi = await api();
  });

  beforeEach(async () => {
    await freshStart(testApi);
  });

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
      const uri = (await testApi.endpointUri())!;
      const token = testApi.terminalEnvironment().AWS_CONTAINER_AUTHORIZATION_TOKEN;
      const rotation = vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
      const answers: { status: number; body: string }[] = [];
      let rotating = true;
      void Promise.resolve(rotation).then(() => (rotating = false));
      while (rotating || answers.length < 200) {
        answers.push(...(await Promise.all(Array.from({ length: 50 }, () => get(uri, token)))));
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
    it('Bedrock answering 500 or garbage is reported with Check Again, and never blocks', async () => {
      injected += 2;
      await aws.faults([{ service: 'bedrock', kind: 'server', times: 40 }]);
      await signInAs('alice');
      const report = await waitFor('a failed check', () => testApi.modelReport());
      assert.deepEqual(report.checks.map((c) => c.status), ['error', 'error']);
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

  describe('the usage dashboard webview', () => {
    it('runs no injected inline script, loads nothing remote, and drops messages of unknown shape', async function () {
      if (!harness.hasBrowserBridge()) this.skip();
      await signInAs('alice');
      await vscode.commands.executeCommand('claudeBedrock.refreshUsage');
      await vscode.commands.executeCommand('claudeBedrock.showUsage');
      await ui.webviewText('[data-figure="month-tokens"]');
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
