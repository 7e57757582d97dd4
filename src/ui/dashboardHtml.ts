// The usage dashboard's page, in two scopes, each named: this machine, live, from Claude Code's
// own records (localDashboardHtml.ts), and all the developer's machines as the organisation
// counts them (CloudWatch, the quota API): month-to-date against the limit, a daily bar chart for the month
// (plain SVG), today against the daily limit, cost, a projection to the end of the month with
// the day the limit would be crossed, and how fresh the figures are. Pure: rendered in the
// extension host, styled by media/dashboard.css with the theme's colours; the only script is
// media/dashboard.js (the Refresh button), allowed by nonce.
import { escapeHtml } from '../util/text';
import { webviewPage, type WebviewFiles } from './webviewPage';
import { compactTokens, countsAnything, type UsageFigures } from '../usage/figures';
import type { LocalUsageState } from '../usage/localUsage';
import { renderLocalSection } from './localDashboardHtml';
import type { UsageState } from '../usage/usageService';
import { usd } from '../util/money';

/** The only message the page sends; anything else is dropped. */
export function isDashboardMessage(message: unknown): message is { type: 'refresh' } {
  return typeof message === 'object' && message !== null && Object.keys(message).length === 1 && (message as { type?: unknown }).type === 'refresh';
}

export interface DashboardPage extends WebviewFiles {
  /** Signed in (the organisation's figures are read for this user); true unless said. */
  readonly signedIn?: boolean;
  readonly email: string | undefined;
  /** This machine's figures; the part is left out without them. */
  readonly local?: LocalUsageState;
  readonly now: number;
}

const full = (n: number) => Math.round(n).toLocaleString('en-US');

function dayLabel(isoDay: string): string {
  return new Date(`${isoDay}T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' });
}

function meter(percent: number | undefined, level: string): string {
  if (percent === undefined) return '';
  const width = Math.max(0, Math.min(100, percent));
  return `<svg class="meter ${level}" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="${Math.floor(percent)} percent used">
  <rect class="track" x="0" y="0" width="100" height="6" rx="3"></rect>
  <rect class="fill" x="0" y="0" width="${width.toFixed(2)}" height="6" rx="3"></rect>
</svg>`;
}

function levelOf(percent: number | undefined, state: UsageState): string {
  if (percent === undefined || !state.settings) return 'ok';
  if (percent >= state.settings.errorPercent) return 'error';
  if (percent >= state.settings.warningPercent) return 'warning';
  return 'ok';
}

function card(id: string, title: string, main: string, sub: string, extra = ''): string {
  return `<section class="card" data-card="${id}">
  <h2>${escapeHtml(title)}</h2>
  <p class="big" data-figure="${id}">${main}</p>
  <p class="sub">${sub}</p>
  ${extra}
</section>`;
}

/** One bar per day of the month; the daily limit as a line; today marked. */
export function chart(f: UsageFigures, now: number): string {
  const date = new Date(now);
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  const top = Math.max(1, ...f.days.map((d) => d.tokens), f.limits.dailyTokens ?? 0) * 1.1;
  const width = 640;
  const height = 180;
  const pad = { left: 44, bottom: 22, top: 8 };
  const plotH = height - pad.bottom - pad.top;
  const slot = (width - pad.left) / daysInMonth;
  const bars = f.days
    .map((d, i) => {
      const h = (d.tokens / top) * plotH;
      const today = i === f.days.length - 1;
      return `<rect class="bar${today ? ' today' : ''}" x="${(pad.left + i * slot + slot * 0.15).toFixed(1)}" y="${(pad.top + plotH - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(dayLabel(d.day))}: ${full(d.tokens)} tokens</title></rect>`;
    })
    .join('');
  const limit = f.limits.dailyTokens
    ? `<line class="limit" x1="${pad.left}" x2="${width}" y1="${(pad.top + plotH - (f.limits.dailyTokens / top) * plotH).toFixed(1)}" y2="${(pad.top + plotH - (f.limits.dailyTokens / top) * plotH).toFixed(1)}"></line>
       <text class="axis" x="${width - 4}" y="${(pad.top + plotH - (f.limits.dailyTokens / top) * plotH - 4).toFixed(1)}" text-anchor="end">daily limit ${compactTokens(f.limits.dailyTokens)}</text>`
    : '';
  const labels = Array.from({ length: daysInMonth }, (_, i) => i + 1)
    .filter((day) => day === 1 || day % 5 === 0)
    .map((day) => `<text class="axis" x="${(pad.left + (day - 0.5) * slot).toFixed(1)}" y="${height - 6}" text-anchor="middle">${day}</text>`)
    .join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Tokens per day this month">
  <line class="baseline" x1="${pad.left}" x2="${width}" y1="${pad.top + plotH}" y2="${pad.top + plotH}"></line>
  <text class="axis" x="${pad.left - 6}" y="${pad.top + 10}" text-anchor="end">${compactTokens(top / 1.1)}</text>
  <text class="axis" x="${pad.left - 6}" y="${pad.top + plotH}" text-anchor="end">0</text>
  ${bars}${limit}${labels}
</svg>`;
}

function projectionText(f: UsageFigures): string {
  const p = f.projection;
  if (!p) return '';
  const rate = `At your recent rate of about ${compactTokens(p.dailyRate)} tokens a day, you will have used about ${full(p.monthEndTokens)} tokens by the end of the month`;
  if (!f.limits.monthlyTokens) return `${rate}.`;
  if (p.crossesOn) return `${rate}: you would reach your monthly limit on <strong data-figure="crosses-on">${escapeHtml(dayLabel(p.crossesOn))}</strong>.`;
  return `${rate}, within your monthly limit.`;
}

export function renderDashboard(state: UsageState, page: DashboardPage): string {
  const f = state.figures;
  const updated = state.fetchedAt ? new Date(state.fetchedAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }) : undefined;
  let body: string;
  if (page.signedIn === false) {
    body = `<p class="muted" data-figure="empty">Sign in to see your organisation's figures for you.</p>`;
  } else if (!f) {
    body = `<p class="muted" data-figure="empty">${escapeHtml(state.stale ?? 'Reading your usage from CloudWatch…')}</p>`;
  } else if (!countsAnything(f)) {
    body = `<p class="muted" data-figure="empty">No Claude Code metrics in CloudWatch for you this month: your organisation may not collect them. This machine's figures above come from Claude Code's own records.</p>`;
  } else {
    const blocked =
      f.level === 'blocked'
        ? `<div class="banner error" role="alert" data-figure="blocked">${escapeHtml(state.verdict?.kind === 'blocked' ? state.verdict.sentence : `Claude Code is blocked: ${f.blockedReason ?? 'the quota is reached'}.`)}</div>`
        : '';
    const month = card(
      'month-tokens',
      'This month',
      `${full(f.monthTokens)} <span class="unit">tokens</span>`,
      f.limits.monthlyTokens
        ? `of ${full(f.limits.monthlyTokens)} (<span data-figure="month-percent">${Math.floor(f.monthPercent ?? 0)}%</span>)`
        : 'No monthly limit is set for you.',
      meter(f.monthPercent, f.level === 'blocked' ? 'error' : levelOf(f.monthPercent, state)),
    );
    const today = card(
      'today-tokens',
      'Today (UTC)',
      `${full(f.todayTokens)} <span class="unit">tokens</span>`,
      f.limits.dailyTokens ? `of ${full(f.limits.dailyTokens)} (<span data-figure="day-percent">${Math.floor(f.dayPercent ?? 0)}%</span>)` : 'No daily limit is set for you.',
      meter(f.dayPercent, levelOf(f.dayPercent, state)),
    );
    const cost =
      f.monthCost !== undefined
        ? card(
            'month-cost',
            'Cost this month (estimate)',
            usd(f.monthCost),
            f.limits.monthlyCost ? `of ${usd(f.limits.monthlyCost)} (${Math.floor(f.costPercent ?? 0)}%)` : `Today: ${usd(f.todayCost ?? 0)}`,
            meter(f.costPercent, levelOf(f.costPercent, state)),
          )
        : '';
    const source = f.limits.source === 'none' ? 'No limits are set for you.' : `Limits from ${f.limits.source === 'quota API' ? 'the quota service' : 'your settings'}.`;
    body = `${blocked}
<div class="cards">${month}${today}${cost}</div>
<section class="panel">
  <h2>Tokens per day</h2>
  ${chart(f, page.now)}
  <p class="projection" data-figure="projection">${projectionText(f)}</p>
</section>
<p class="muted">${escapeHtml(source)}</p>`;
  }
  const freshness = [
    updated ? `Updated ${escapeHtml(updated)}.` : '',
    state.stale ? `<span class="stale" data-figure="stale">Not current: ${escapeHtml(state.stale)}</span>` : '',
    state.note ? escapeHtml(state.note) : '',
  ]
    .filter(Boolean)
    .join(' ');
  return webviewPage(page, {
    title: 'Claude Code usage',
    style: { href: page.styleUri },
    script: page.scriptUri,
    images: true,
    fonts: true,
    body: `<header>
  <h1>Claude Code usage${page.email ? ` <span class="muted">${escapeHtml(page.email)}</span>` : ''}</h1>
  <button id="refresh" type="button">Refresh</button>
</header>
${page.local ? `<h2 class="scope">This machine, live</h2>
${renderLocalSection(page.local)}
<h2 class="scope">All your machines, as your organisation counts it</h2>` : ''}
${body}
<footer class="muted" data-figure="freshness">${freshness}</footer>`,
  });
}
