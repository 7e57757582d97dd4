// The dashboard's "This machine, live" part, from Claude Code's own session records
// (usage/localUsage.ts): today, the last hour's burn rate, what caching saved, cost per day as
// bars, and tables by model, by project and by session. Pure HTML; every word from the records
// (a project path, a branch, a model ID) is escaped. No prompt or code is ever in the figures.
import { compactTokens } from '../usage/figures';
import type { LocalFigures, SessionFigures, Totals } from '../usage/localFigures';
import type { LocalUsageState } from '../usage/localUsage';
import { projectName } from '../usage/spendAlert';
import { escapeHtml } from '../util/text';
import { costWords, tokenSum } from './usageWords';
import { usd } from '../util/money';

const full = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (n: number) => `${(n * 100).toFixed(1)}%`;

function clock(at: number): string {
  return new Date(at).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

function card(id: string, title: string, main: string, sub: string): string {
  return `<section class="card" data-card="${id}">
  <h2>${escapeHtml(title)}</h2>
  <p class="big" data-figure="${id}">${main}</p>
  <p class="sub">${sub}</p>
</section>`;
}

/** Cost per day, one bar each, the newest last (today marked). */
export function costChart(days: LocalFigures['days']): string {
  if (days.length === 0) return '';
  const width = 640;
  const height = 160;
  const pad = { left: 48, bottom: 22, top: 8 };
  const plotH = height - pad.bottom - pad.top;
  const top = Math.max(0.01, ...days.map((d) => d.totals.cost)) * 1.1;
  const slot = (width - pad.left) / Math.max(days.length, 7);
  const bars = days
    .map((d, i) => {
      const h = (d.totals.cost / top) * plotH;
      const last = i === days.length - 1;
      return `<rect class="bar${last ? ' today' : ''}" x="${(pad.left + i * slot + slot * 0.15).toFixed(1)}" y="${(pad.top + plotH - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(d.day)}: ${usd(d.totals.cost)}, ${full(tokenSum(d.totals))} tokens</title></rect>`;
    })
    .join('');
  const labels = days
    .map((d, i) => (i === 0 || i === days.length - 1 || i % 7 === 0 ? `<text class="axis" x="${(pad.left + (i + 0.5) * slot).toFixed(1)}" y="${height - 6}" text-anchor="middle">${escapeHtml(d.day.slice(5))}</text>` : ''))
    .join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Cost per day on this machine">
  <line class="baseline" x1="${pad.left}" x2="${width}" y1="${pad.top + plotH}" y2="${pad.top + plotH}"></line>
  <text class="axis" x="${pad.left - 6}" y="${pad.top + 10}" text-anchor="end">${usd(top / 1.1)}</text>
  <text class="axis" x="${pad.left - 6}" y="${pad.top + plotH}" text-anchor="end">$0</text>
  ${bars}${labels}
</svg>`;
}

/** A row's share of the largest, as a bar in its cell. */
function share(value: number, largest: number): string {
  const width = largest > 0 ? Math.max(1, (value / largest) * 100) : 0;
  return `<svg class="share" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect x="0" y="0" width="${width.toFixed(1)}" height="6" rx="2"></rect></svg>`;
}

function totalsCells(t: Totals): string {
  const written = t.tokens.cacheWrite5m + t.tokens.cacheWrite1h;
  return `<td class="num">${full(t.tokens.input)}</td><td class="num">${full(t.tokens.output)}</td><td class="num">${full(written)}</td><td class="num">${full(t.tokens.cacheRead)}</td><td class="num" data-cell="cost">${escapeHtml(costWords(t))}</td>`;
}

const TOKEN_HEADINGS = '<th class="num">In</th><th class="num">Out</th><th class="num">Cache written</th><th class="num">Cache read</th><th class="num">Cost</th>';

function byModel(f: LocalFigures): string {
  if (f.models.length === 0) return '';
  const largest = Math.max(...f.models.map((m) => m.totals.cost));
  const rows = f.models
    .map((m) => `<tr data-model="${escapeHtml(m.model)}"><td>${escapeHtml(m.model)}${m.totals.unpriced > 0 ? ' <span class="muted">(price unknown)</span>' : ''}</td>${totalsCells(m.totals)}<td class="bar-cell">${share(m.totals.cost, largest)}</td></tr>`)
    .join('');
  return `<section class="panel"><h2>By model, this month</h2><table><thead><tr><th>Model</th>${TOKEN_HEADINGS}<th></th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function byProject(f: LocalFigures): string {
  if (f.projects.length === 0) return '';
  const largest = Math.max(...f.projects.map((p) => p.totals.cost));
  const rows = f.projects
    .map((p) => `<tr data-project="${escapeHtml(p.project)}"><td title="${escapeHtml(p.project)}">${escapeHtml(projectName(p.project))}</td><td class="num">${p.sessions}</td>${totalsCells(p.totals)}<td class="bar-cell">${share(p.totals.cost, largest)}</td></tr>`)
    .join('');
  return `<section class="panel"><h2>By project, this month</h2><table><thead><tr><th>Project</th><th class="num">Sessions</th>${TOKEN_HEADINGS}<th></th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function sessionRow(s: SessionFigures): string {
  const lines = s.linesAdded === undefined && s.linesRemoved === undefined ? '' : `+${s.linesAdded ?? 0} / −${s.linesRemoved ?? 0}`;
  const theirs = s.claudeCost === undefined ? '' : usd(s.claudeCost);
  return `<tr data-session="${escapeHtml(s.id)}"><td>${escapeHtml(clock(s.start))}</td><td title="${escapeHtml(s.project)}">${escapeHtml(projectName(s.project))}</td><td>${escapeHtml(s.branch ?? '')}</td><td>${escapeHtml(s.models.join(', '))}</td>${totalsCells(s.totals)}<td class="num" data-cell="claude-cost">${theirs}</td><td class="num" data-cell="lines">${lines}</td></tr>`;
}

function bySession(f: LocalFigures): string {
  if (f.sessions.length === 0) return '';
  return `<section class="panel"><h2>Sessions</h2><table><thead><tr><th>Started</th><th>Project</th><th>Branch</th><th>Model</th>${TOKEN_HEADINGS}<th class="num" title="What Claude Code itself counted for the session">Claude Code's figure</th><th class="num">Lines</th></tr></thead><tbody>${f.sessions.map(sessionRow).join('')}</tbody></table></section>`;
}

function readingWords(local: LocalUsageState): string {
  const r = local.reading;
  if (!r) return '';
  const folders = r.folders.length > 0 ? r.folders.join(', ') : 'no folder of Claude Code records was found yet';
  const newest = r.newest ? ` The newest record is from ${clock(r.newest)}.` : '';
  const skipped = r.skipped > 0 ? ` ${full(r.skipped)} lines were not understood and are left out.` : '';
  return `Read from ${full(r.files)} session files in ${folders}.${newest}${skipped} Only the usage fields are read, and nothing leaves this machine.`;
}

/** The "This machine, live" section, or a sentence saying why there is none. */
export function renderLocalSection(local: LocalUsageState): string {
  if (!local.enabled) return `<p class="muted" data-figure="local-off">Claude Code's records on this machine are not read (claudeBedrock.localUsage is off).</p>`;
  const f = local.figures;
  if (!f) return `<p class="muted" data-figure="local-reading">${local.problem ? escapeHtml(local.problem) : "Reading Claude Code's session records on this machine…"}</p>`;
  const monthCost = f.models.reduce((sum, m) => sum + m.totals.cost, 0);
  const cards = [
    card('local-today-cost', 'Today', escapeHtml(costWords(f.today)), `<span data-figure="local-today-tokens">${full(tokenSum(f.today))}</span> tokens in ${f.today.requests} requests`),
    card('local-last-hour', 'Last hour', `${usd(f.lastHour.cost)}<span class="unit">/h</span>`, `${compactTokens(tokenSum(f.lastHour))} tokens in the hour before now`),
    card(
      'local-cache',
      'Prompt cache',
      f.cache.hitRate === undefined ? '–' : percent(f.cache.hitRate),
      `of input tokens read from the cache this month, which saved <span data-figure="local-cache-saved">${usd(f.cache.saved)}</span>`,
    ),
    card('local-month-cost', 'This month', usd(monthCost), f.unpricedModels.length > 0 ? `No price is known for ${escapeHtml(f.unpricedModels.join(', '))}: left out.` : 'At Amazon Bedrock on-demand prices.'),
  ].join('');
  return `<div class="cards">${cards}</div>
<section class="panel"><h2>Cost per day on this machine</h2>${costChart(f.days)}</section>
${byModel(f)}${byProject(f)}${bySession(f)}
<p class="muted" data-figure="local-reading-note">${escapeHtml(readingWords(local))}</p>`;
}
