// When spend on this machine deserves a word: one session spending more than the set amount
// within an hour (Claude Code left running overnight on a large repository), or the day passing
// the personal budget. Each is said once: a day's budget once that day, a session once a day.
// Pure.
import type { LocalUsageSettings } from '../config/groups';
import type { LocalFigures, SessionFigures } from './localFigures';
import { localDay } from './tallySums';
import { usd } from '../util/money';

export interface SpendAlert {
  /** What it is about, so it is said once (kept by the windows). */
  readonly key: string;
  readonly sentence: string;
}

/** The last folder of a project path: what people call their project. */
export function projectName(project: string): string {
  const parts = project.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? project;
}

function sessionWords(session: SessionFigures): string {
  const started = new Date(session.start).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', hour12: false });
  const branch = session.branch ? ` on branch ${session.branch}` : '';
  return `The Claude Code session in ${projectName(session.project)}${branch} (started ${started}, session ${session.id.slice(0, 8)})`;
}

export function spendAlerts(figures: LocalFigures, settings: Pick<LocalUsageSettings, 'dailyBudget' | 'sessionHourlyAlert'>, said: ReadonlySet<string>, now: number): SpendAlert[] {
  const day = localDay(now);
  const alerts: SpendAlert[] = [];
  const budget = settings.dailyBudget;
  if (budget !== undefined && figures.today.cost > budget && !said.has(`day:${day}`)) {
    alerts.push({
      key: `day:${day}`,
      sentence: `Claude Code on this machine has cost ${usd(figures.today.cost)} today, past your daily budget of ${usd(budget)} (claudeBedrock.dailyBudget).`,
    });
  }
  const hourly = settings.sessionHourlyAlert;
  if (hourly !== undefined) {
    for (const session of figures.sessions) {
      const key = `session:${session.id}:${day}`;
      if (session.lastHourCost <= hourly || said.has(key)) continue;
      alerts.push({
        key,
        sentence: `${sessionWords(session)} has spent ${usd(session.lastHourCost)} in the last hour, more than the ${usd(hourly)} set in claudeBedrock.sessionHourlyAlert. If nobody is using it, stop it.`,
      });
    }
  }
  return alerts;
}
