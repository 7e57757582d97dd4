// From raw usage and limits to what the developer sees: totals, percentages, the warning level,
// a "blocked" with its reason, and a projection to the end of the month. Pure.
import type { UsageData } from '../aws/cloudwatch';
import type { UsageSettings } from '../config/groups';
import type { QuotaAnswer } from '../quota/answer';
import { blockedReasonText } from '../quota/verdict';

export type LimitSource = 'quota API' | 'settings' | 'none';

export interface Limits {
  readonly monthlyTokens: number | undefined;
  readonly dailyTokens: number | undefined;
  readonly monthlyCost: number | undefined;
  readonly source: LimitSource;
}

export type Level = 'ok' | 'warning' | 'error' | 'blocked';

export interface Projection {
  /** Tokens by the end of the month at the recent daily rate. */
  readonly monthEndTokens: number;
  readonly dailyRate: number;
  /** The UTC day (YYYY-MM-DD) the monthly limit would be reached, if this month. */
  readonly crossesOn: string | undefined;
}

export interface UsageFigures {
  readonly monthTokens: number;
  readonly todayTokens: number;
  readonly monthCost: number | undefined;
  readonly todayCost: number | undefined;
  readonly limits: Limits;
  readonly monthPercent: number | undefined;
  readonly dayPercent: number | undefined;
  readonly costPercent: number | undefined;
  readonly level: Level;
  /** Why the quota API blocks the user, in words. */
  readonly blockedReason: string | undefined;
  readonly projection: Projection | undefined;
  readonly days: UsageData['days'];
}

const DAY_MS = 86_400_000;

/** Limits from the quota API when it answered with them, else from the settings. */
export function limitsFrom(settings: Pick<UsageSettings, 'monthlyTokenLimit' | 'dailyTokenLimit' | 'monthlyCostLimit'>, quota: QuotaAnswer | undefined): Limits {
  if (quota?.usage) {
    return { monthlyTokens: quota.usage.monthly_limit || undefined, dailyTokens: quota.usage.daily_limit || undefined, monthlyCost: settings.monthlyCostLimit, source: 'quota API' };
  }
  const any = settings.monthlyTokenLimit ?? settings.dailyTokenLimit ?? settings.monthlyCostLimit;
  return {
    monthlyTokens: settings.monthlyTokenLimit,
    dailyTokens: settings.dailyTokenLimit,
    monthlyCost: settings.monthlyCostLimit,
    source: any === undefined ? 'none' : 'settings',
  };
}

/** 950 -> "950", 12_300 -> "12.3k", 1_234_567 -> "1.2M", 5_000_000 -> "5M". */
export function compactTokens(n: number): string {
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const value = n / size;
      return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))}${unit}`;
    }
  }
  return String(Math.round(n));
}

function percent(used: number, limit: number | undefined): number | undefined {
  return limit ? (used / limit) * 100 : undefined;
}

/** Recent daily rate: the mean of up to seven whole days before today, else today's pace. */
function projection(days: UsageData['days'], monthTokens: number, monthlyLimit: number | undefined, now: number): Projection | undefined {
  if (days.length === 0) return undefined;
  const whole = days.slice(0, -1).slice(-7);
  const today = days[days.length - 1];
  const elapsedToday = Math.max((now % DAY_MS) / DAY_MS, 1 / 24);
  const dailyRate = whole.length > 0 ? whole.reduce((s, d) => s + d.tokens, 0) / whole.length : today.tokens / elapsedToday;
  const date = new Date(now);
  const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  const remainingDays = (monthEnd - now) / DAY_MS;
  const monthEndTokens = monthTokens + dailyRate * remainingDays;
  let crossesOn: string | undefined;
  if (monthlyLimit && dailyRate > 0) {
    const at = monthTokens >= monthlyLimit ? now : now + ((monthlyLimit - monthTokens) / dailyRate) * DAY_MS;
    if (at < monthEnd) crossesOn = new Date(at).toISOString().slice(0, 10);
  }
  return { monthEndTokens, dailyRate, crossesOn };
}

export function usageFigures(
  data: UsageData,
  limits: Limits,
  quota: QuotaAnswer | undefined,
  thresholds: Pick<UsageSettings, 'warningPercent' | 'errorPercent'>,
  now: number,
): UsageFigures {
  const monthTokens = data.days.reduce((s, d) => s + d.tokens, 0);
  const today = data.days[data.days.length - 1];
  const todayTokens = today?.tokens ?? 0;
  const monthCost = data.hasCost ? data.days.reduce((s, d) => s + d.cost, 0) : undefined;
  const monthPercent = percent(monthTokens, limits.monthlyTokens);
  const dayPercent = percent(todayTokens, limits.dailyTokens);
  const costPercent = monthCost === undefined ? undefined : percent(monthCost, limits.monthlyCost);
  const highest = Math.max(monthPercent ?? 0, dayPercent ?? 0, costPercent ?? 0);
  const blocked = quota !== undefined && !quota.allowed;
  const level: Level = blocked ? 'blocked' : highest >= thresholds.errorPercent ? 'error' : highest >= thresholds.warningPercent ? 'warning' : 'ok';
  return {
    monthTokens,
    todayTokens,
    monthCost,
    todayCost: data.hasCost ? (today?.cost ?? 0) : undefined,
    limits,
    monthPercent,
    dayPercent,
    costPercent,
    level,
    blockedReason: blocked ? blockedReasonText(quota.reason) : undefined,
    projection: projection(data.days, monthTokens, limits.monthlyTokens, now),
    days: data.days,
  };
}

/** Whether the organisation's figures say anything: usage this month, cost, or a limit to measure against. */
export function countsAnything(f: UsageFigures): boolean {
  return f.monthTokens > 0 || f.monthCost !== undefined || f.limits.source !== 'none';
}

/** The status bar's words: "1.2M / 5M tok (24%)", or usage alone without a limit. */
export function statusText(f: UsageFigures): string {
  if (f.level === 'blocked') return `Blocked: ${f.blockedReason ?? 'quota reached'}`;
  if (f.limits.monthlyTokens) return `${compactTokens(f.monthTokens)} / ${compactTokens(f.limits.monthlyTokens)} tok (${Math.floor(f.monthPercent ?? 0)}%)`;
  if (f.limits.dailyTokens) return `${compactTokens(f.todayTokens)} / ${compactTokens(f.limits.dailyTokens)} tok today (${Math.floor(f.dayPercent ?? 0)}%)`;
  return `${compactTokens(f.monthTokens)} tok this month`;
}
