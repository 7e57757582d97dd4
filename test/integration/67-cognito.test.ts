// Federation through a Cognito identity pool (the guidance's other mode): the same sign-in, then
// the emulator's Cognito Identity (JSON 1.1, GetId and GetCredentialsForIdentity, the ID token
// verified against the IdP's JWKS) instead of STS; the whole chain with the real CLI in a
// terminal, and each fault as the sentence that names the fix.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from './extensionUnderTest';
import { aws, changeSetting, expectNotification, harness, runInTerminal, sessionKey, signInAs, useBedrockReply, useExtension, useFederation, useTerminals, waitFor } from './helpers';

const REPLY = 'Hello from Bedrock, through the identity pool.';

describe('Federation through a Cognito identity pool', () => {
  const testApi = useExtension();
  useBedrockReply(REPLY);
  const terminals = useTerminals();
  useFederation('cognitoIdentityPool');

  it('signs in through the pool, runs claude in a terminal on its keys, renews into the open terminal, and signs out', async function () {
    this.timeout(300_000);
    let from = await aws.mark();
    const result = await signInAs('alice');
    assert.equal(result.signedIn, true);
    let calls = await aws.since(from);
    assert.deepEqual(calls.filter((c) => c.service === 'cognito-identity').map((c) => `${c.action} ${c.status}`), ['GetId 200', 'GetCredentialsForIdentity 200']);
    assert.equal(calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length, 0, 'no STS');
    const state = testApi.state();
    assert.equal(state.kind === 'signedIn' && state.session.flow, 'cognitoIdentityPool');
    const firstKey = sessionKey(testApi);
    assert.equal(calls.find((c) => c.action === 'GetCredentialsForIdentity')?.accessKeyId, firstKey);

    await testApi.terminalsUpdated();
    const shell = terminals.open('claude through the pool');
    from = await aws.mark();
    const first = await runInTerminal(shell, 'claude -p "Say hello" --output-format json');
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as { result: string }).result, REPLY);
    calls = await aws.since(from, 'bedrock');
    assert.ok(calls.some((c) => c.action === 'InvokeModelWithResponseStream' && c.status === 200));
    assert.deepEqual([...new Set(calls.map((c) => c.accessKeyId))], [firstKey]);

    // Renewal: a refreshed ID token, then the pool again; the open terminal gets the new keys.
    from = await aws.mark();
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    const secondKey = sessionKey(testApi);
    assert.notEqual(secondKey, firstKey);
    assert.deepEqual((await aws.since(from, 'cognito-identity')).map((c) => c.action), ['GetId', 'GetCredentialsForIdentity']);
    from = await aws.mark();
    const second = await runInTerminal(shell, 'claude -p "Say hello again" --output-format json');
    assert.equal(second.code, 0, second.stderr);
    calls = await aws.since(from, 'bedrock');
    assert.deepEqual([...new Set(calls.map((c) => c.accessKeyId))], [secondKey]);

    // Usage and the model check work on the pool's keys as on STS's.
    await changeSetting('monthlyTokenLimit', 5_000_000);
    const usage = (await vscode.commands.executeCommand('claudeBedrock.refreshUsage')) as ReturnType<TestApi['usage']>;
    assert.ok(usage.figures, usage.stale);
    const report = await waitFor('the model report', () => testApi.modelReport());
    assert.ok(report.checks.every((c) => c.usable), JSON.stringify(report.checks));

    await vscode.commands.executeCommand('claudeBedrock.signOut');
    await testApi.terminalsUpdated();
    assert.deepEqual(testApi.terminalEnvironment(), {});
  });

  it('names claudeBedrock.identityPoolId when the pool does not exist', async () => {
    await changeSetting('identityPoolId', 'us-east-1:11111111-2222-3333-4444-555555555555');
    const from = testApi.notifications.length;
    assert.equal((await signInAs('alice')).signedIn, false);
    const shown = await expectNotification(testApi, from, /Cognito identity pool/);
    assert.equal(shown.message, 'There is no Cognito identity pool us-east-1:11111111-2222-3333-4444-555555555555 in us-east-1. Check claudeBedrock.identityPoolId (and claudeBedrock.region) against the pool your platform team set up.');
    assert.deepEqual(shown.buttons, ['Open Settings']);
  });

  it('says what the platform team must add when the pool does not trust the identity provider by that name', async () => {
    await changeSetting('cognitoLoginKey', 'login.example.com/other');
    const from = testApi.notifications.length;
    assert.equal((await signInAs('alice')).signedIn, false);
    const shown = await expectNotification(testApi, from, /did not accept your sign-in/);
    assert.match(shown.message, /^The Cognito identity pool us-east-1:\S+ did not accept your sign-in \(NotAuthorizedException\)\. Your platform team must add your identity provider http:\/\/127\.0\.0\.1:\d+\/\S* to the pool as an OpenID Connect provider named login\.example\.com\/other, with the client ID \S+/);
    assert.equal(testApi.state().kind, 'signedOut');
  });

  it('retries a throttled or failing pool, then says so in words when it keeps failing', async function () {
    this.timeout(120_000);
    // One throttled answer: the SDK's retry gets through.
    await aws.faults([{ service: 'cognito-identity', action: 'GetId', kind: 'throttle', times: 1 }]);
    assert.equal((await signInAs('alice')).signedIn, true);
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    for (const [rule, pattern] of [
      [{ kind: 'throttle' as const, times: 10 }, /^Cognito is throttling sign-ins \(too many at once\), even after several tries\. Sign in again in a minute\.$/],
      [{ kind: 'server' as const, times: 10 }, /^Cognito Identity refused the sign-in \(InternalError\)\. Try again in a moment/],
      [{ kind: 'malformed' as const, times: 10 }, /^Cognito Identity at http:\/\/127\.0\.0\.1:\d+ gave an answer this extension cannot read\./],
      [{ kind: 'hang' as const, times: 10 }, /^Could not reach Cognito Identity at http:\/\/127\.0\.0\.1:\d+ \(no answer within \d+ s\)\. Check your network/],
    ] as const) {
      await aws.reset();
      await aws.faults([{ service: 'cognito-identity', action: 'GetId', ...rule }]);
      const from = testApi.notifications.length;
      assert.equal((await signInAs('alice')).signedIn, false, rule.kind);
      const shown = await expectNotification(testApi, from, /./, 60_000);
      assert.match(shown.message, pattern, rule.kind);
      assert.equal(testApi.state().kind, 'signedOut');
    }
  });

  it('passes the quota gate first: a blocked user gets nothing from the pool', async () => {
    await changeSetting('quotaApiUrl', `${harness.aws()}/quota/check`);
    await aws.quotaPolicies({ 'alice@example.com': { monthly_limit: 1, daily_limit: 1, blocked: 'monthly_exceeded' } });
    const from = await aws.mark();
    assert.equal((await signInAs('alice')).signedIn, false);
    const calls = await aws.since(from);
    assert.equal(calls.filter((c) => c.service === 'quota').length, 1);
    assert.equal(calls.filter((c) => c.service === 'cognito-identity').length, 0);
  });
});

describe('Diagnose with a Cognito identity pool', () => {
  useExtension();
  useFederation('cognitoIdentityPool');

  it('checks the identity provider and STS from the pool sign-in settings, with no role ARN set (the pool chooses the role)', async function () {
    this.timeout(120_000);
    await changeSetting('roleArn', '');
    assert.equal((await signInAs('alice')).signedIn, true);
    const rows = new Map(((await vscode.commands.executeCommand('claudeBedrock.diagnose')) as { id: string; status: string; found: string }[]).map((r) => [r.id, r]));
    for (const id of ['settings.valid', 'idp.discovery', 'idp.capabilities', 'idp.clock', 'idp.port', 'aws.sts']) assert.equal(rows.get(id)?.status, 'pass', `${id}: ${rows.get(id)?.found}`);
    assert.match(rows.get('aws.sts')?.found ?? '', new RegExp(`^${harness.aws().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} confirms the keys belong to`), 'the configured STS, not the public one');
  });
});
