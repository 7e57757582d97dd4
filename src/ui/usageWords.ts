// What the usage status bar item says: compact usage against the limit, the warning level, the
// figures and their freshness in the tooltip. Pure. The quota service's reason reaches the item's
// text, which renders $(icons): it is escaped there. The tooltip is plain text (VS Code shows a
// string tooltip as it is).
import { compactTokens, statusText, type UsageFigures } from '../usage/figures';
import type { UsageState } from '../usage/usageService';
import { escapeIcons } from '../util/text';
import { clockTime } from './format';

export interface UsageItemView {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
  readonly background: 'warning' | 'error' | undefined;
}

function pct(p: number | undefined): string {
  return p === undefined ? '' : ` (${Math.floor(p)}%)`;
}

function money(n: number): string {
  return `$${n.toFixed(2)}`;
}

export function figureLines(f: UsageFigures): string[] {
  const lines = [
    `Today: ${compactTokens(f.todayTokens)}${f.limits.dailyTokens ? ` of ${compactTokens(f.limits.dailyTokens)}` : ''} tokens${pct(f.dayPercent)}`,
    `This month: ${compactTokens(f.monthTokens)}${f.limits.monthlyTokens ? ` of ${compactTokens(f.limits.monthlyTokens)}` : ''} tokens${pct(f.monthPercent)}`,
  ];
  if (f.monthCost !== undefined) lines.push(`Cost this month: ${money(f.monthCost)}${f.limits.monthlyCost ? ` of ${money(f.limits.monthlyCost)}` : ''}${pct(f.costPercent)}`);
  lines.push(
    f.limits.source === 'none' ? 'No limit is set for you: usage only.' : `Limits from ${f.limits.source === 'quota API' ? 'the quota service' : 'your settings'}.`,
  );
  return lines;
}

export function usageItemView(signedIn: boolean, state: UsageState): UsageItemView {
  if (!signedIn) return { visible: false, text: '', tooltip: '', background: undefined };
  const f = state.figures;
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
      return { visible: true, text: '$(warning) Quota not checked', tooltip: ['Claude Code usage', state.note ?? verdict.problem, ...(state.stale ? [state.stale] : [])].join('\n'), background: undefined };
    }
    const text = state.stale ? '$(warning) Usage unavailable' : '$(pulse) Usage…';
    const tooltip = ['Claude Code usage', state.stale ?? 'Reading your usage from CloudWatch…'].join('\n');
    return { visible: true, text, tooltip, background: undefined };
  }
  const icon = f.level === 'blocked' ? '$(circle-slash)' : verdict?.kind === 'unchecked' ? '$(warning)' : state.stale ? '$(history)' : '$(pulse)';
  const tooltip = [
    'Claude Code usage',
    ...(f.level === 'blocked' ? [`Blocked: ${f.blockedReason}. Claude Code cannot get new credentials until the quota resets.`] : []),
    ...figureLines(f),
    state.fetchedAt ? `Updated ${clockTime(state.fetchedAt)}.` : '',
    ...(state.stale ? [`Not current: ${state.stale}`] : []),
    ...(state.note ? [state.note] : []),
    ...(state.paused ? ['Paused while no VS Code window has focus.'] : []),
    'Click for the usage dashboard.',
  ].filter(Boolean);
  return {
    visible: true,
    text: `${icon} ${escapeIcons(statusText(f))}`,
    tooltip: tooltip.join('\n'),
    background: f.level === 'blocked' || f.level === 'error' ? 'error' : f.level === 'warning' ? 'warning' : undefined,
  };
}
