// What the usage status bar item says: today on this machine, live (Claude Code's own records),
// then the organisation's figures against the limit where it has them, the warning level, and
// both scopes named in the tooltip with how fresh each is. Pure. The quota service's reason reaches the item's
// text, which renders $(icons): it is escaped there. The tooltip is plain text (VS Code shows a
// string tooltip as it is).
import { compactTokens, countsAnything, statusText, type UsageFigures } from '../usage/figures';
import type { LineFacts } from '../claudeCode/broker';
import type { Totals } from '../usage/localFigures';
import type { LocalUsageState } from '../usage/localUsage';
import type { UsageState } from '../usage/usageService';
import { escapeIcons } from '../util/text';
import { clockTime } from './format';
import { usd } from '../util/money';

export interface UsageItemView {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
  readonly background: 'warning' | 'error' | undefined;
}

function pct(p: number | undefined): string {
  return p === undefined ? '' : ` (${Math.floor(p)}%)`;
}

export function figureLines(f: UsageFigures): string[] {
  const lines = [
    `Today: ${compactTokens(f.todayTokens)}${f.limits.dailyTokens ? ` of ${compactTokens(f.limits.dailyTokens)}` : ''} tokens${pct(f.dayPercent)}`,
    `This month: ${compactTokens(f.monthTokens)}${f.limits.monthlyTokens ? ` of ${compactTokens(f.limits.monthlyTokens)}` : ''} tokens${pct(f.monthPercent)}`,
  ];
  if (f.monthCost !== undefined) lines.push(`Cost this month: ${usd(f.monthCost)}${f.limits.monthlyCost ? ` of ${usd(f.limits.monthlyCost)}` : ''}${pct(f.costPercent)}`);
  lines.push(
    f.limits.source === 'none' ? 'No limit is set for you: usage only.' : `Limits from ${f.limits.source === 'quota API' ? 'the quota service' : 'your settings'}.`,
  );
  return lines;
}

/** All the tokens of `totals`, whatever kind. */
export function tokenSum(totals: Totals): number {
  const t = totals.tokens;
  return t.input + t.output + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead;
}

/** "$1.23", "$1.23 + 2 unpriced", or tokens alone when no request could be priced. */
export function costWords(totals: Totals): string {
  if (totals.requests > 0 && totals.unpriced === totals.requests) return `${compactTokens(tokenSum(totals))} tok`;
  return `${usd(totals.cost)}${totals.unpriced > 0 ? '+' : ''}`;
}

/** The item's words for this machine: "$1.23 today". */
function localText(local: LocalUsageState | undefined): string | undefined {
  return local?.figures ? `${costWords(local.figures.today)} today` : undefined;
}

/** The tooltip's lines for this machine, live. */
export function localLines(local: LocalUsageState | undefined): string[] {
  if (!local?.enabled) return [];
  const f = local.figures;
  if (!f) return ["This machine, live: reading Claude Code's session records…"];
  const t = f.today;
  const lines = [
    "This machine, live (Claude Code's own records):",
    `Today: ${usd(t.cost)} for ${compactTokens(tokenSum(t))} tokens in ${t.requests} requests (in ${compactTokens(t.tokens.input)}, out ${compactTokens(t.tokens.output)}, cache written ${compactTokens(t.tokens.cacheWrite5m + t.tokens.cacheWrite1h)}, cache read ${compactTokens(t.tokens.cacheRead)})`,
    `Last hour: ${usd(f.lastHour.cost)} for ${compactTokens(tokenSum(f.lastHour))} tokens`,
  ];
  if (f.unpricedModels.length > 0) lines.push(`No price known for ${f.unpricedModels.join(', ')}: not in the cost.`);
  return lines;
}

function orgHeading(state: UsageState): string {
  const when = state.fetchedAt ? `, updated ${clockTime(state.fetchedAt)}` : '';
  const every = state.settings ? `; read every ${state.settings.refreshMinutes} min and a few minutes behind Claude Code` : '';
  return `All your machines, as your organisation counts it (CloudWatch${when}${every}):`;
}

export function usageItemView(signedIn: boolean, state: UsageState, local?: LocalUsageState): UsageItemView {
  if (!signedIn) return { visible: false, text: '', tooltip: '', background: undefined };
  const view = orgItemView(state, local);
  if (!view.visible) return view;
  const here = localLines(local);
  if (here.length === 0) return view;
  const [title, ...rest] = view.tooltip.split('\n');
  return { ...view, tooltip: [title, ...here, ...rest].join('\n') };
}

function orgItemView(state: UsageState, local: LocalUsageState | undefined): UsageItemView {
  const f = state.figures;
  const here = localText(local);
  const verdict = state.verdict;
  // Blocked by the quota service: said whatever else is known (figures or not, email or not).
  if (verdict?.kind === 'blocked') {
    const tooltip = [
      'Claude Code usage',
      verdict.sentence,
      ...(f ? figureLines(f) : []),
      ...(state.fetchedAt ? [`Updated ${clockTime(state.fetchedAt)}.`] : []),
      `Quota checked ${clockTime(verdict.at)}.`,
      'Click for the usage dashboard.',
    ];
    return { visible: true, text: `$(circle-slash) Blocked: ${escapeIcons(verdict.why)}`, tooltip: tooltip.join('\n'), background: 'error' };
  }
  if (!f) {
    if (verdict?.kind === 'unchecked') {
      return { visible: true, text: `$(warning) ${here ? `${here} · ` : ''}Quota not checked`, tooltip: ['Claude Code usage', state.note ?? verdict.problem, ...(state.stale ? [state.stale] : [])].join('\n'), background: undefined };
    }
    const text = here ? `${state.stale ? '$(warning)' : '$(pulse)'} ${here}` : state.stale ? '$(warning) Usage unavailable' : '$(pulse) Usage…';
    const tooltip = ['Claude Code usage', state.stale ? `Your organisation's figures: ${state.stale}` : 'Reading your organisation\'s figures from CloudWatch…'].join('\n');
    return { visible: true, text, tooltip, background: undefined };
  }
  if (here && !countsAnything(f)) {
    const tooltip = [
      'Claude Code usage',
      orgHeading(state),
      'No Claude Code metrics in CloudWatch for you this month: your organisation may not collect them.',
      ...(state.stale ? [`Not current: ${state.stale}`] : []),
      ...(state.note ? [state.note] : []),
      'Click for the usage dashboard.',
    ];
    const icon = verdict?.kind === 'unchecked' ? '$(warning)' : state.stale ? '$(history)' : '$(pulse)';
    return { visible: true, text: `${icon} ${here}${verdict?.kind === 'unchecked' ? ' · Quota not checked' : ''}`, tooltip: tooltip.join('\n'), background: undefined };
  }
  const icon = f.level === 'blocked' ? '$(circle-slash)' : verdict?.kind === 'unchecked' ? '$(warning)' : state.stale ? '$(history)' : '$(pulse)';
  const tooltip = [
    'Claude Code usage',
    ...(f.level === 'blocked' ? [`Blocked: ${f.blockedReason}. Claude Code cannot get new credentials until the quota resets.`] : []),
    ...(here ? [orgHeading(state)] : []),
    ...figureLines(f),
    state.fetchedAt ? `Updated ${clockTime(state.fetchedAt)}.` : '',
    ...(state.stale ? [`Not current: ${state.stale}`] : []),
    ...(state.note ? [state.note] : []),
    ...(state.paused ? ['Paused while no VS Code window has focus.'] : []),
    'Click for the usage dashboard.',
  ].filter(Boolean);
  return {
    visible: true,
    text: `${icon} ${here ? `${here} · ` : ''}${escapeIcons(statusText(f))}`,
    tooltip: tooltip.join('\n'),
    background: f.level === 'blocked' || f.level === 'error' ? 'error' : f.level === 'warning' ? 'warning' : undefined,
  };
}

/** What Claude Code's status line shows of usage: the quota headroom, and today on this machine. */
export function lineFacts(state: UsageState, local: LocalUsageState | undefined): LineFacts {
  const f = state.figures;
  const verdict = state.verdict;
  let quota: string | undefined;
  if (verdict?.kind === 'blocked') quota = 'quota reached';
  else if (f?.monthPercent !== undefined) quota = `${Math.max(0, 100 - Math.floor(f.monthPercent))}% quota left`;
  else if (f?.dayPercent !== undefined) quota = `${Math.max(0, 100 - Math.floor(f.dayPercent))}% daily quota left`;
  const today = local?.figures?.today;
  return {
    quota,
    today: today ? { tokens: tokenSum(today), cost: today.requests > 0 && today.unpriced === today.requests ? undefined : today.cost } : undefined,
  };
}
