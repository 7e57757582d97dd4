import * as assert from 'node:assert/strict';
import type { UsageData } from '../../src/aws/cloudwatch';
import { usageQueries } from '../../src/aws/cloudwatch';
import { checkUsageSettings } from '../../src/config/groups';
import type { QuotaAnswer } from '../../src/quota/answer';
import { blockedReasonText, verdictOf } from '../../src/quota/verdict';
import { compactTokens, limitsFrom, statusText, usageFigures } from '../../src/usage/figures';
import { parseQuotaAnswer } from '../../src/quota/answer';
import { isDashboardMessage, renderDashboard } from '../../src/ui/dashboardHtml';
import { usageItemView } from '../../src/ui/usageWords';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const thresholds = { warningPercent: 80, errorPercent: 95 };

function data(tokensPerDay: number[], cost = false): UsageData {
  return { days: tokensPerDay.map((tokens, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, tokens, cost: cost ? tokens / 100_000 : 0 })), hasCost: cost };
}

function settings(raw: Record<string, unknown> = {}) {
  const checked = checkUsageSettings(raw);
  assert.ok(checked.ok, JSON.stringify(checked));
  return checked.value;
}

describe('usage figures', () => {
  it('writes token counts compactly', () => {
    assert.deepEqual([950, 12_300, 850_000, 1_234_567, 5_000_000, 225_000_000, 2e9].map(compactTokens), ['950', '12.3k', '850k', '1.2M', '5M', '225M', '2B']);
  });

  it('counts the month and today, and colours by the highest share of any limit', () => {
    const limits = limitsFrom(settings({ monthlyTokenLimit: 5_000_000, dailyTokenLimit: 100_000 }), undefined);
    const f = usageFigures(data([...Array(22).fill(10_000), 90_000]), limits, undefined, thresholds, NOW);
    assert.equal(f.monthTokens, 310_000);
    assert.equal(f.todayTokens, 90_000);
    assert.equal(Math.round(f.dayPercent!), 90);
    assert.equal(f.level, 'warning', '90 % of the daily limit');
    assert.equal(statusText(f), '310k / 5M tok (6%)');
  });

  it('says blocked when the quota service says so, with its reason', () => {
    const quota: QuotaAnswer = {
      allowed: false,
      reason: 'daily_exceeded',
      usage: { monthly_tokens: 1, monthly_limit: 9_000_000, monthly_percent: 0, daily_tokens: 1, daily_limit: 300_000, daily_percent: 0 },
      policy: { type: 'group' },
    };
    const limits = limitsFrom(settings({ monthlyTokenLimit: 1 }), quota);
    assert.equal(limits.source, 'quota API');
    assert.equal(limits.monthlyTokens, 9_000_000);
    const f = usageFigures(data([100]), limits, quota, thresholds, NOW);
    assert.equal(f.level, 'blocked');
    assert.equal(statusText(f), "Blocked: today's token quota is used up");
    assert.equal(blockedReasonText('something_new'), 'something new');
  });

  it('shows usage alone when no limit is known', () => {
    const f = usageFigures(data([1_000, 2_000]), limitsFrom(settings(), undefined), undefined, thresholds, NOW);
    assert.equal(f.limits.source, 'none');
    assert.equal(statusText(f), '3k tok this month');
    assert.equal(f.level, 'ok');
  });

  it('projects the month end at the recent rate and finds the day the limit would be crossed', () => {
    const f = usageFigures(data([...Array(22).fill(100_000), 50_000]), limitsFrom(settings({ monthlyTokenLimit: 2_900_000 }), undefined), undefined, thresholds, NOW);
    assert.equal(f.projection?.dailyRate, 100_000);
    // 2.25M used, 100k a day: 2.9M is reached 6.5 days after noon on the 23rd.
    assert.equal(f.projection?.crossesOn, '2026-11-30');
    assert.ok(Math.abs(f.projection!.monthEndTokens - (2_250_000 + 7.5 * 100_000)) < 1);
  });
});

describe('the usage status bar item', () => {
  const base = { figures: undefined, fetchedAt: undefined, stale: undefined, note: undefined, verdict: undefined, paused: false, settings: settings() };
  it('is hidden when signed out, and says it is reading before the first figures', () => {
    assert.equal(usageItemView(false, base).visible, false);
    assert.equal(usageItemView(true, base).text, '$(pulse) Usage…');
  });

  it('keeps stale figures with the reason', () => {
    const figures = usageFigures(data([5_000]), limitsFrom(settings(), undefined), undefined, thresholds, NOW);
    const view = usageItemView(true, { ...base, figures, fetchedAt: NOW, stale: 'CloudWatch is throttling requests.' });
    assert.equal(view.text, '$(history) 5k tok this month');
    assert.match(view.tooltip, /Not current: CloudWatch is throttling requests\./);
  });
});

describe('the quota service answer', () => {
  it('takes the documented shape', () => {
    const answer = parseQuotaAnswer({ allowed: true, reason: 'within_quota', usage: null, policy: { type: 'default', identifier: 'default' } });
    assert.deepEqual(answer, { allowed: true, reason: 'within_quota', usage: null, policy: { type: 'default' } });
  });

  it('refuses anything else', () => {
    assert.throws(() => parseQuotaAnswer({ allowed: 'yes' }), /shape/);
    assert.throws(() => parseQuotaAnswer({ allowed: true, reason: 'x', usage: { monthly_tokens: 'many' } }), /not numbers/);
  });
});

describe('the usage query', () => {
  it('searches the user\'s series whatever OTelLib holds, and sums them per day', () => {
    const queries = usageQueries({ namespace: 'ClaudeCode', tokenMetric: 'claude_code.token.usage', costMetric: 'claude_code.cost.usage', emailDimension: 'user.email', libraryDimension: 'OTelLib', email: 'a"b@example.com' });
    assert.equal(queries[0].Expression, `SEARCH('{ClaudeCode,"user.email","OTelLib"} MetricName="claude_code.token.usage" "user.email"="a\\"b@example.com"', 'Sum', 86400)`);
    assert.equal(queries[1].Expression, 'SUM(tokenSeries)');
    assert.deepEqual(queries.map((q) => q.ReturnData), [false, true, false, true]);
  });
});

describe('the dashboard page', () => {
  const page = { cspSource: 'vscode-webview:', nonce: 'n0nce', scriptUri: 'vscode-webview://x/dashboard.js', styleUri: 'vscode-webview://x/dashboard.css', email: 'alice@example.com', now: NOW };

  it("says a block in the quota gate's own words: the reason, the reset, the service's message", () => {
    const answer: QuotaAnswer = { allowed: false, reason: 'monthly_exceeded', message: 'Ask finance.', usage: null, policy: null };
    const verdict = verdictOf(answer, NOW);
    const figures = usageFigures(data([1_000]), limitsFrom(settings(), answer), answer, thresholds, NOW);
    const html = renderDashboard({ figures, fetchedAt: NOW, stale: undefined, note: undefined, verdict, paused: false, settings: settings() }, page);
    assert.match(html, /data-figure="blocked">Claude Code is blocked: your monthly token quota is used up\. The quota service says: &quot;Ask finance\.&quot; It resets on 1 December \(UTC\)/);
  });

  it('allows only its own script by nonce and loads nothing remote', () => {
    const figures = usageFigures(data([1_000]), limitsFrom(settings({ monthlyTokenLimit: 10_000 }), undefined), undefined, thresholds, NOW);
    const html = renderDashboard({ figures, fetchedAt: NOW, stale: undefined, note: undefined, verdict: undefined, paused: false, settings: settings() }, page);
    assert.match(html, /content="default-src 'none'; img-src vscode-webview: data:; style-src vscode-webview:; script-src 'nonce-n0nce';/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="n0nce" src="vscode-webview:\/\/x\/dashboard\.js"><\/script>/);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, / style="/);
    assert.match(html, /data-figure="month-tokens">1,000 <span class="unit">tokens/);
  });

  it('accepts only the refresh message', () => {
    assert.equal(isDashboardMessage({ type: 'refresh' }), true);
    for (const m of [null, 'refresh', { type: 'refresh', extra: 1 }, { type: 'run', command: 'x' }, []]) assert.equal(isDashboardMessage(m), false);
  });
});
