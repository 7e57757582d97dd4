// Personal usage and quota: CloudWatch metrics seeded with the SDK's PutMetricData, read back by
// the extension with the session's keys, shown in the status bar and the dashboard.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { TestApi } from './extensionUnderTest';
import { costWords } from '../../src/ui/usageWords';
import { aws, changeSetting, harness, signInAs, ui, useExtension, waitFor } from './helpers';

const DAY = 86_400_000;
const LIB = 'com.anthropic.claude_code';

interface Seed {
  readonly daysAgo: number;
  readonly tokens: number;
  readonly cost?: number;
  readonly lib?: string;
}

/** Puts usage datapoints for `email` into the emulator's CloudWatch, the way the collector does. */
async function seed(email: string, points: readonly Seed[]): Promise<number> {
  const key = await aws.mintKey();
  const client = new CloudWatchClient({
    region: 'us-east-1',
    endpoint: harness.aws(),
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
  });
  const now = Date.now();
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  let monthTotal = 0;
  const data = points.flatMap((p) => {
    // Never before the first of the month, so the expected totals hold on any day.
    const at = Math.max(monthStart + 60_000, now - p.daysAgo * DAY);
    monthTotal += p.tokens;
    const dimensions = [
      { Name: 'user.email', Value: email },
      { Name: 'OTelLib', Value: p.lib ?? LIB },
    ];
    return [
      { MetricName: 'claude_code.token.usage', Dimensions: dimensions, Timestamp: new Date(at), Value: p.tokens, Unit: 'Count' as const },
      ...(p.cost === undefined ? [] : [{ MetricName: 'claude_code.cost.usage', Dimensions: dimensions, Timestamp: new Date(at), Value: p.cost, Unit: 'None' as const }]),
    ];
  });
  await client.send(new PutMetricDataCommand({ Namespace: 'ClaudeCode', MetricData: data }));
  client.destroy();
  return monthTotal;
}

async function getMetricDataCalls(): Promise<number> {
  return (await aws.calls()).filter((c) => c.action === 'GetMetricData').length;
}

describe('Usage and quota', () => {
  const testApi = useExtension();

  /** The item's text: this machine's part first (Claude Code's own records, from whatever ran here before), then the organisation's. */
  function withLocal(icon: string, org: string): string {
    const here = testApi.localUsage().figures;
    return `${icon} ${here ? `${costWords(here.today)} today · ` : ''}${org}`;
  }

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (harness.hasBrowserBridge()) await ui.closeWindows();
  });

  async function refreshed() {
    return (await vscode.commands.executeCommand('claudeBedrock.refreshUsage')) as ReturnType<TestApi['usage']>;
  }

  it('shows usage against the limit from settings, from one GetMetricData per refresh', async () => {
    await changeSetting('monthlyTokenLimit', 5_000_000);
    await changeSetting('dailyTokenLimit', 500_000);
    const total = await seed('alice@example.com', [
      { daysAgo: 3, tokens: 600_000, cost: 6 },
      { daysAgo: 1, tokens: 400_000, cost: 4 },
      { daysAgo: 0, tokens: 150_000, cost: 1.5 },
      // A second meter name: found by the search, not by a hard-coded OTelLib.
      { daysAgo: 0, tokens: 50_000, cost: 0.5, lib: 'claude-code-metrics' },
      // Someone else's usage must not count.
    ]);
    await seed('bob@example.com', [{ daysAgo: 0, tokens: 9_000_000 }]);
    await signInAs('alice');
    // The refresh that follows sign-in, then one on demand.
    await waitFor('the first refresh', () => testApi.usage().fetchedAt);
    const before = await getMetricDataCalls();
    const state = await refreshed();
    assert.equal(await getMetricDataCalls(), before + 1, 'one GetMetricData request');
    const f = state.figures!;
    assert.equal(f.monthTokens, total);
    assert.equal(f.todayTokens, 200_000);
    assert.equal(f.monthCost, 12);
    assert.equal(f.limits.source, 'settings');
    assert.equal(f.level, 'ok');
    const view = await waitFor('the usage item', () => (testApi.usageStatus()?.text.includes('/ 5M tok') ? testApi.usageStatus() : undefined));
    assert.equal(view.text, withLocal('$(pulse)', '1.2M / 5M tok (24%)'));
    assert.equal(view.background, undefined);
    assert.match(view.tooltip, /Today: 200k of 500k tokens \(40%\)/);
    assert.match(view.tooltip, /This month: 1\.2M of 5M tokens \(24%\)/);
    assert.match(view.tooltip, /Limits from your settings\./);
    assert.match(view.tooltip, /Updated /);
    // Signed with the session's keys.
    const state2 = testApi.state();
    const [call] = (await aws.calls()).filter((c) => c.action === 'GetMetricData').slice(-1);
    assert.equal(call.accessKeyId, state2.kind === 'signedIn' ? state2.session.credentials.accessKeyId : '');
  });

  it('turns to warning colours at 85 %', async () => {
    await changeSetting('monthlyTokenLimit', 1_000_000);
    await seed('alice@example.com', [{ daysAgo: 0, tokens: 850_000 }]);
    await signInAs('alice');
    await refreshed();
    const view = testApi.usageStatus()!;
    assert.equal(view.text, withLocal('$(pulse)', '850k / 1M tok (85%)'));
    assert.equal(view.background, 'warning');
  });

  it('says blocked, with the quota service reason, at 100 %', async () => {
    await changeSetting('quotaApiUrl', `${harness.aws()}/quota/check`);
    await aws.quotaPolicies({ 'alice@example.com': { monthly_limit: 1_000_000, daily_limit: 2_000_000 } });
    await signInAs('alice');
    await seed('alice@example.com', [{ daysAgo: 0, tokens: 1_000_000 }]);
    const state = await refreshed();
    assert.equal(state.figures?.level, 'blocked');
    assert.equal(state.figures?.limits.source, 'quota API');
    const view = testApi.usageStatus()!;
    assert.equal(view.text, '$(circle-slash) Blocked: monthly token quota used up');
    assert.match(view.tooltip, /Claude Code is blocked: your monthly token quota is used up\. It resets (on 1 \w+ \(UTC\)|at midnight UTC, in (\d+ h )?\d+ min)/);
    assert.equal(view.background, 'error');
    assert.match(view.tooltip, /Limits from the quota service\./);
    const quotaCalls = (await aws.calls()).filter((c) => c.service === 'quota');
    assert.ok(quotaCalls.length >= 1 && quotaCalls.every((c) => c.status === 200), 'the quota service accepted the ID token');
  });

  it('shows zero before there is any data', async () => {
    await changeSetting('monthlyTokenLimit', 5_000_000);
    await signInAs('alice');
    const state = await refreshed();
    assert.equal(state.figures?.monthTokens, 0);
    assert.equal(testApi.usageStatus()?.text, withLocal('$(pulse)', '0 / 5M tok (0%)'), "this machine's real figures, beside the organisation's zero");
  });

  it('says why there is no usage for a sign-in without an email', async () => {
    await signInAs('bob');
    const view = await waitFor('the usage item', () => testApi.usageStatus());
    assert.equal(view.text, testApi.localUsage().figures ? `$(warning) ${costWords(testApi.localUsage().figures!.today)} today` : '$(warning) Usage unavailable');
    assert.match(view.tooltip, /Your sign-in carries no email, and usage metrics are kept per email/);
  });

  it('names the usage setting that is wrong', async () => {
    await changeSetting('usageErrorPercent', 50);
    await changeSetting('usageWarningPercent', 90);
    await signInAs('alice');
    const view = await waitFor('the usage item', () => (/cannot read your usage/.test(testApi.usageStatus()?.tooltip ?? '') ? testApi.usageStatus() : undefined));
    assert.match(view.text, /^\$\(warning\) /);
    assert.match(view.tooltip, /Claude Bedrock cannot read your usage: the setting claudeBedrock\.usageErrorPercent must not be lower than claudeBedrock\.usageWarningPercent \(90\)/);
  });

  it('keeps the last figures, marked stale with the reason, when CloudWatch refuses; no popup', async () => {
    await seed('alice@example.com', [{ daysAgo: 0, tokens: 42_000 }]);
    await signInAs('alice');
    await refreshed();
    assert.equal(testApi.usageStatus()?.text, withLocal('$(pulse)', '42k tok this month'));
    const notifications = testApi.notifications.length;
    await aws.denyCloudWatch(['GetMetricData']);
    const state = await refreshed();
    assert.match(state.stale ?? '', /may not read CloudWatch metrics \(cloudwatch:GetMetricData\)/);
    assert.equal(state.figures?.monthTokens, 42_000, 'the last good figures stay');
    const view = testApi.usageStatus()!;
    assert.equal(view.text, withLocal('$(history)', '42k tok this month'));
    assert.match(view.tooltip, /Not current: Your role may not read CloudWatch metrics/);
    assert.equal(testApi.notifications.length, notifications, 'no notification');
  });

  it('backs off when throttled, then recovers by itself', async () => {
    await changeSetting('usageRefreshMinutes', 0.1);
    await seed('alice@example.com', [{ daysAgo: 0, tokens: 7_000 }]);
    await aws.faults([{ service: 'monitoring', action: 'GetMetricData', kind: 'throttle', times: 2 }]);
    await signInAs('alice');
    const stale = await waitFor('a throttled refresh', () => (/throttling/.test(testApi.usage().stale ?? '') ? testApi.usage() : undefined));
    assert.match(stale.stale ?? '', /CloudWatch is throttling requests; trying again in/);
    const recovered = await waitFor('recovery', () => (testApi.usage().figures && !testApi.usage().stale ? testApi.usage() : undefined), 30_000);
    assert.equal(recovered.figures?.monthTokens, 7_000);
  });

  it('polls once for three windows', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(120_000);
    await seed('alice@example.com', [{ daysAgo: 0, tokens: 3_000 }]);
    await changeSetting('usageRefreshMinutes', 0.1);
    await signInAs('alice');
    await refreshed();
    const windows = [(await ui.openWindow()).index, (await ui.openWindow()).index];
    // The other windows are signed in (the session is shared) and show the same usage.
    for (const index of windows) {
      await waitFor(`window ${index} to show the usage`, async () => /3k tok this month/.test((await ui.windowStatusBar(index)).text), 60_000);
    }
    const start = await getMetricDataCalls();
    const started = Date.now();
    await waitFor('30 seconds of polling', () => Date.now() - started >= 30_000, 40_000);
    const calls = (await getMetricDataCalls()) - start;
    const intervals = 30 / 6;
    // Reported with the test results: the figure behind "requests per hour with three windows".
    console.log(`[mocha]       (${calls} GetMetricData calls in 30 s from three windows, refresh every 6 s)`);
    assert.ok(calls >= intervals - 2 && calls <= intervals + 1, `${calls} GetMetricData calls in 30 s from three windows (one poller: about ${intervals})`);
    await ui.closeWindows();
  });

  it('opens the dashboard, readable in dark and light themes, with the seeded figures', async function () {
    if (!harness.hasBrowserBridge()) this.skip();
    this.timeout(120_000);
    await changeSetting('monthlyTokenLimit', 5_000_000);
    await changeSetting('dailyTokenLimit', 500_000);
    await seed('alice@example.com', [
      { daysAgo: 2, tokens: 700_000, cost: 7 },
      { daysAgo: 1, tokens: 300_000, cost: 3 },
      { daysAgo: 0, tokens: 234_567, cost: 2.5 },
    ]);
    await signInAs('alice');
    await refreshed();
    const themes = vscode.workspace.getConfiguration('workbench');
    const original = themes.inspect('colorTheme')?.globalValue;
    try {
      for (const [theme, name] of [
        ['Default Dark Modern', 'dark'],
        ['Default Light Modern', 'light'],
      ]) {
        await themes.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        await vscode.commands.executeCommand('claudeBedrock.showUsage');
        assert.equal(await ui.webviewText('[data-figure="month-tokens"]'), '1,234,567 tokens');
        assert.equal(await ui.webviewText('[data-figure="today-tokens"]'), '234,567 tokens');
        assert.equal(await ui.webviewText('[data-figure="month-percent"]'), '24%');
        assert.equal(await ui.webviewText('[data-figure="day-percent"]'), '46%');
        assert.equal(await ui.webviewText('[data-figure="month-cost"]'), '$12.50');
        assert.match(await ui.webviewText('[data-figure="projection"]'), /At your recent rate of about/);
        assert.match(await ui.webviewText('[data-figure="freshness"]'), /^Updated /);
        await ui.screenshot(`usage-dashboard-${name}`);
      }
      // The Refresh button asks for new figures.
      const calls = await getMetricDataCalls();
      await ui.webviewClick('#refresh');
      await waitFor('the refresh', async () => (await getMetricDataCalls()) > calls);
    } finally {
      await themes.update('colorTheme', original, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
