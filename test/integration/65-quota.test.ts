// Quota enforced where keys are minted: the emulator's quota API (the guidance's contract) asked
// before every mint and at every recheck; a blocked user gets no keys, in a terminal running the
// real CLI or through Claude Code's helper, and gets them back with no action when allowed again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { askEndpoint, aws, changeSetting, claudeCodeIntegration, expectNotification, harness, idp, runInTerminal, settingsCommand, signInAs, useBedrockReply, useClaudeSettingsFile, useExtension, useTerminals, waitFor } from './helpers';

const REPLY = 'Hello from Bedrock, within your quota.';
const LIMITS = { monthly_limit: 5_000_000, daily_limit: 500_000 };

async function quotaCalls(): Promise<number> {
  return (await aws.calls()).filter((c) => c.service === 'quota').length;
}

describe('Quota enforced', () => {
  const testApi = useExtension();
  useBedrockReply(REPLY);
  const terminals = useTerminals();
  useClaudeSettingsFile(testApi);

  beforeEach(async () => {
    await changeSetting('quotaApiUrl', `${harness.aws()}/quota/check`);
  });

  it('gives a user blocked at sign-in no keys, and the sentence with the reset and the service\'s words', async () => {
    await aws.quotaPolicies({ 'alice@example.com': { ...LIMITS, blocked: 'monthly_exceeded', message: 'Ask your manager for a higher limit.' } });
    const from = testApi.notifications.length;
    const result = await signInAs('alice');
    assert.equal(result.signedIn, false);
    const shown = await expectNotification(testApi, from, /^Claude Code is blocked/);
    assert.match(
      shown.message,
      /^Claude Code is blocked: your monthly token quota is used up\. The quota service says: "Ask your manager for a higher limit\." It resets (on 1 \w+ \(UTC\)|at midnight UTC, in (\d+ h )?\d+ min): sign in again then, or as soon as your platform team lifts the block\. No sign-in is kept while you are blocked\.$/,
    );
    assert.deepEqual(shown.buttons, ['Sign In']);
    const calls = await aws.calls();
    assert.equal(calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length, 0, 'no keys minted');
    assert.equal(calls.filter((c) => c.service === 'quota').length, 1);
    assert.equal(testApi.state().kind, 'signedOut');
    assert.deepEqual(testApi.terminalEnvironment(), {});
  });

  it('cuts off an open terminal and the helper at the next check when blocked mid-session, and lets them work again, with no action, when allowed', async function () {
    this.timeout(300_000);
    await changeSetting('quotaRecheckMinutes', 0.1);
    await aws.quotaPolicies({ 'alice@example.com': LIMITS });
    await signInAs('alice');
    await testApi.terminalsUpdated();
    const shell = terminals.open('claude within quota');
    const first = await runInTerminal(shell, 'claude -p "Say hello" --output-format json');
    assert.equal(first.code, 0, first.stderr);
    assert.equal((JSON.parse(first.stdout) as { result: string }).result, REPLY);

    // Blocked: the next recheck (every 6 s here) stops the keys, and says so once.
    const from = testApi.notifications.length;
    await aws.quotaPolicies({ 'alice@example.com': { ...LIMITS, blocked: 'daily_exceeded' } });
    await waitFor('the block', () => testApi.quota()?.kind === 'blocked', 30_000);
    await expectNotification(testApi, from, /^Claude Code is blocked: today's token quota is used up\. It resets at midnight UTC, in (\d+ h )?\d+ min/);
    const view = await waitFor('the usage item to say blocked', () => (testApi.usageStatus()?.text.startsWith('$(circle-slash)') ? testApi.usageStatus() : undefined));
    assert.equal(view.text, '$(circle-slash) Blocked: daily token quota used up');
    const endpoint = await askEndpoint(testApi);
    assert.equal(endpoint.status, 403);
    assert.match(((await endpoint.json()) as { message: string }).message, /^Claude Code is blocked: today's token quota is used up\./);
    let at = await aws.mark();
    const refused = await runInTerminal(shell, 'timeout 90 claude -p "Say hello again" --output-format json');
    assert.notEqual(refused.code, 0);
    // What the README says the CLI prints: it does not pass the endpoint's words on.
    assert.match(`${refused.stdout}${refused.stderr}`, /Could not load AWS credentials/);
    assert.ok((await aws.since(at, 'bedrock')).every((c) => c.status !== 200), 'no Bedrock call succeeded while blocked');

    // Claude Code's helper refuses too, with the sentence, and starts no sign-in.
    await claudeCodeIntegration(testApi, 'always');
    const authorizations = (await idp.authorizations()).length;
    const exported = await settingsCommand('awsCredentialExport');
    assert.equal(exported.code, 1);
    assert.equal(exported.stdout, '');
    assert.match(exported.stderr, /^Claude Code on Amazon Bedrock: Claude Code is blocked: today's token quota is used up\./);
    const refresh = await settingsCommand('awsAuthRefresh');
    assert.equal(refresh.code, 1);
    assert.match(refresh.stderr, /Claude Code is blocked: today's token quota is used up\./);
    assert.equal((await idp.authorizations()).length, authorizations, 'no sign-in started');
    await claudeCodeIntegration(testApi, 'never');

    // Allowed again (an administrator's unblock): the same terminal works at the next check.
    const unblocked = testApi.notifications.length;
    await aws.quotaPolicies({ 'alice@example.com': LIMITS });
    await waitFor('the unblock', () => testApi.quota()?.kind === 'allowed', 30_000);
    await expectNotification(testApi, unblocked, /^Your quota allows Claude Code again/);
    at = await aws.mark();
    const again = await runInTerminal(shell, 'claude -p "Say hello once more" --output-format json');
    assert.equal(again.code, 0, again.stderr);
    assert.ok((await aws.since(at, 'bedrock')).some((c) => c.status === 200));
    assert.equal((await idp.authorizations()).length, authorizations, 'no browser');
  });

  it('asks the quota service once per check: the usage shown and the keys handed out share one answer', async () => {
    await aws.quotaPolicies({ 'alice@example.com': LIMITS });
    await signInAs('alice');
    await waitFor('the first usage refresh', () => testApi.usage().fetchedAt);
    const before = await quotaCalls();
    assert.equal(before, 1, 'the sign-in asked once, and the first figures used that answer');
    await testApi.terminalsUpdated();
    for (let i = 0; i < 5; i++) assert.equal((await askEndpoint(testApi)).status, 200);
    await vscode.commands.executeCommand('claudeBedrock.refreshUsage');
    assert.equal(await quotaCalls(), before + 1, 'one more answer, for the figures and the keys alike');
    assert.equal(testApi.usage().figures?.limits.source, 'quota API');
  });

  it('hands out keys when the quota service is down and the fail mode is open, and says the quota was not checked', async () => {
    await aws.faults([{ service: 'quota', action: 'Check', kind: 'server', times: 100 }]);
    const result = await signInAs('alice');
    assert.equal(result.signedIn, true);
    assert.equal(testApi.quota()?.kind, 'unchecked');
    await testApi.terminalsUpdated();
    assert.equal((await askEndpoint(testApi)).status, 200);
    const view = await waitFor('the usage item', () => (testApi.usageStatus()?.text.startsWith('$(warning)') ? testApi.usageStatus() : undefined));
    assert.match(view.tooltip, /Your quota could not be checked: The quota service answered HTTP 502\./);
  });

  it('hands out no keys when the quota service is down and the fail mode is closed, and says why', async () => {
    await changeSetting('quotaFailMode', 'closed');
    await aws.faults([{ service: 'quota', action: 'Check', kind: 'hang', times: 100 }]);
    const from = testApi.notifications.length;
    const started = Date.now();
    const result = await signInAs('alice');
    assert.equal(result.signedIn, false);
    const shown = await expectNotification(testApi, from, /^Claude Code is blocked/);
    assert.match(shown.message, /^Claude Code is blocked: your quota could not be checked\. The quota service at .* could not be reached \(no answer within 5 s\)\. Your organisation hands out no credentials without that check: sign in again once the quota service answers\.$/);
    assert.ok(Date.now() - started < 30_000);
    assert.equal((await aws.calls()).filter((c) => c.action === 'AssumeRoleWithWebIdentity').length, 0);
  });

  it('blocks a user whose ID token carries no email: the quota service knows them by the token', async function () {
    this.timeout(60_000);
    await changeSetting('quotaRecheckMinutes', 0.1);
    await signInAs('bob');
    await aws.quotaPolicies({ 'auth0|bob:7f3a': { ...LIMITS, blocked: 'monthly_exceeded' } });
    const view = await waitFor('the usage item to say blocked', () => (testApi.usageStatus()?.text.startsWith('$(circle-slash)') ? testApi.usageStatus() : undefined), 30_000);
    assert.equal(view.text, '$(circle-slash) Blocked: monthly token quota used up');
    assert.match(view.tooltip, /Claude Code is blocked: your monthly token quota is used up/);
    await testApi.terminalsUpdated();
    assert.equal((await askEndpoint(testApi)).status, 403);
  });
});
