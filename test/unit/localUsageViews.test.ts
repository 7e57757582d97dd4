// How this machine's figures are shown: the status bar's words in two labelled scopes, and the
// dashboard's "This machine, live" part, with words from the records shown as text.
import * as assert from 'node:assert/strict';
import { renderLocalSection } from '../../src/ui/localDashboardHtml';
import { costWords, usageItemView } from '../../src/ui/usageWords';
import { limitsFrom, usageFigures } from '../../src/usage/figures';
import type { LocalFigures, SessionFigures, Totals } from '../../src/usage/localFigures';
import type { LocalUsageState } from '../../src/usage/localUsage';
import type { UsageState } from '../../src/usage/usageService';

const NOW = Date.UTC(2026, 11, 5, 15, 0);
const tokens = { input: 1_000, output: 500, cacheWrite5m: 2_000, cacheWrite1h: 0, cacheRead: 40_000 };
const totals = (cost: number, requests = 4, unpriced = 0): Totals => ({ tokens, requests, cost, unpriced });
const session: SessionFigures = {
  id: '5b0c7d1e-aaaa-bbbb-cccc-000000000001',
  project: '/home/dev/<img src=x onerror=alert(1)>',
  branch: 'feat/[x](command:evil)',
  models: ['us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  start: NOW - 3_600_000,
  last: NOW,
  totals: totals(1.5),
  linesAdded: 12,
  linesRemoved: 3,
  claudeCost: 1.42,
  lastHourCost: 0.5,
};
const figures: LocalFigures = {
  newest: NOW,
  today: totals(4.12, 9),
  lastHour: totals(0.5, 2),
  days: [
    { day: '2026-12-04', totals: totals(2) },
    { day: '2026-12-05', totals: totals(4.12, 9) },
  ],
  models: [{ model: session.models[0], totals: totals(6.12, 13) }],
  projects: [{ project: session.project, totals: totals(6.12, 13), sessions: 1 }],
  sessions: [session],
  cache: { hitRate: 0.93, saved: 3.21 },
  unpricedModels: [],
};
const local: LocalUsageState = {
  enabled: true,
  figures,
  reading: { folders: ['/home/dev/.claude/projects'], files: 3, sessions: 1, linesRead: 100, skipped: 0, versions: ['2.1.330'], newest: NOW, firstReadDone: true, firstReadMs: 12 },
  updatedAt: NOW,
  reader: true,
  problem: undefined,
};
const settings = { warningPercent: 80, errorPercent: 95, refreshMinutes: 5 } as UsageState['settings'];
const orgNone: UsageState = {
  figures: usageFigures({ days: [{ day: '2026-12-05', tokens: 0, cost: 0 }], hasCost: false }, limitsFrom({ monthlyTokenLimit: undefined, dailyTokenLimit: undefined, monthlyCostLimit: undefined }, undefined), undefined, { warningPercent: 80, errorPercent: 95 }, NOW),
  fetchedAt: NOW,
  stale: undefined,
  note: undefined,
  verdict: undefined,
  paused: false,
  settings,
};

describe("this machine's usage, as shown", () => {
  it('shows today on this machine alone where the organisation has no figures, and says why in the tooltip', () => {
    const view = usageItemView(true, orgNone, local);
    assert.equal(view.text, '$(pulse) $4.12 today');
    assert.match(view.tooltip, /^Claude Code usage\nThis machine, live \(Claude Code's own records\):\nToday: \$4\.12 for 43\.5k tokens in 9 requests/);
    assert.match(view.tooltip, /All your machines, as your organisation counts it \(CloudWatch, updated [^;]+; read every 5 min and a few minutes behind Claude Code\):\nNo Claude Code metrics in CloudWatch for you this month/);
  });

  it("puts this machine's today before the organisation's figures against the limit", () => {
    const limited = { ...orgNone, figures: usageFigures({ days: [{ day: '2026-12-05', tokens: 1_200_000, cost: 0 }], hasCost: false }, limitsFrom({ monthlyTokenLimit: 5_000_000, dailyTokenLimit: undefined, monthlyCostLimit: undefined }, undefined), undefined, { warningPercent: 80, errorPercent: 95 }, NOW) };
    const view = usageItemView(true, limited, local);
    assert.equal(view.text, '$(pulse) $4.12 today · 1.2M / 5M tok (24%)');
    assert.match(view.tooltip, /This machine, live[\s\S]*All your machines, as your organisation counts it[\s\S]*This month: 1\.2M of 5M tokens \(24%\)/);
  });

  it('never shows a model without a price as free', () => {
    assert.equal(costWords(totals(0, 3, 3)), '43.5k tok');
    assert.equal(costWords(totals(1.2, 3, 1)), '$1.20+');
    const view = usageItemView(true, orgNone, { ...local, figures: { ...figures, unpricedModels: ['anthropic.claude-future-9'] } });
    assert.match(view.tooltip, /No price known for anthropic\.claude-future-9: not in the cost\./);
  });

  it('draws the dashboard part with every word from the records as text', () => {
    const html = renderLocalSection(local);
    assert.match(html, /data-figure="local-today-cost">\$4\.12</);
    assert.match(html, /data-figure="local-cache">93\.0%</);
    assert.match(html, /data-figure="local-cache-saved">\$3\.21</);
    assert.match(html, /<svg class="chart"[^>]*aria-label="Cost per day on this machine"/);
    assert.match(html, new RegExp(`data-session="${session.id}"`));
    assert.match(html, /data-cell="claude-cost">\$1\.42</);
    assert.match(html, /data-cell="lines">\+12 \/ −3</);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /feat\/\[x\]\(command:evil\)/, 'a branch name is shown as it is, as text');
    assert.doesNotMatch(html, /<a /);
  });

  it('says when the records are off or still being read', () => {
    assert.match(renderLocalSection({ ...local, enabled: false }), /not read \(claudeBedrock\.localUsage is off\)/);
    assert.match(renderLocalSection({ ...local, figures: undefined }), /Reading Claude Code's session records/);
    assert.match(renderLocalSection({ ...local, figures: undefined, problem: 'Claude Code\'s session records on this machine could not be read (EACCES <b>).' }), /could not be read \(EACCES &lt;b&gt;\)/);
  });
});
