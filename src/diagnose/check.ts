// Diagnose: every check of the extension's world in one place. A check is a name, the area it
// belongs to, why it matters, and a function that finds out; the runner runs them all at once,
// each with its own deadline, so a slow one never holds up the others, and turns whatever
// happens (an answer, a throw, no answer in time) into a row: pass, warning or fail, what was
// found, and the fix. Pure: no vscode here.
import type { Action } from '../errors/failure';
import type { Clock } from '../util/clock';

export type Status = 'pass' | 'warning' | 'fail' | 'skipped';

export type Area = 'Settings' | 'Identity provider' | 'AWS' | 'Models' | 'Usage and quota' | 'Claude Code';
export const AREAS: readonly Area[] = ['Settings', 'Identity provider', 'AWS', 'Models', 'Usage and quota', 'Claude Code'];

/** What a check found. */
export interface Finding {
  readonly status: Status;
  /** What was found, in a sentence or two. */
  readonly found: string;
  /** What to do, when it is not a pass. */
  readonly fix?: string;
  readonly actions?: readonly Action[];
}

export interface Check {
  readonly id: string;
  readonly area: Area;
  readonly title: string;
  /** Why it matters: what fails for the user when this check does. */
  readonly why: string;
  run(signal: AbortSignal): Promise<Finding>;
}

export interface Row extends Finding {
  readonly id: string;
  readonly area: Area;
  readonly title: string;
  readonly why: string;
  /** How long the check took. */
  readonly ms: number;
}

export const pass = (found: string): Finding => ({ status: 'pass', found });
export const skipped = (found: string): Finding => ({ status: 'skipped', found });
export const warning = (found: string, fix: string, actions?: readonly Action[]): Finding => ({ status: 'warning', found, fix, actions });
export const fail = (found: string, fix: string, actions?: readonly Action[]): Finding => ({ status: 'fail', found, fix, actions });

/**
 * Runs every check at once; `onRow` hears each as it ends (for progress). A check that throws
 * fails with what it threw; one with no answer within `timeoutMs` fails saying so, and its work
 * is told to stop.
 */
export async function runChecks(checks: readonly Check[], options: { timeoutMs: number; clock: Clock; signal?: AbortSignal; onRow?: (row: Row) => void }): Promise<Row[]> {
  const { clock, timeoutMs } = options;
  return Promise.all(
    checks.map(async (check) => {
      const started = clock.now();
      const stop = new AbortController();
      const outer = () => stop.abort();
      options.signal?.addEventListener('abort', outer, { once: true });
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const deadline = new Promise<Finding>((resolve) => {
        timer = clock.setTimeout(() => {
          resolve(fail(`No answer within ${Math.round(timeoutMs / 1000)} s.`, 'Check Again; if it stays slow, the service or the network to it is slow (claudeBedrock.requestTimeout sets how long each check may take).'));
          // After the verdict: what the check does once told to stop comes too late to count.
          stop.abort();
        }, timeoutMs);
      });
      let finding: Finding;
      try {
        finding = await Promise.race([check.run(stop.signal), deadline]);
      } catch (error) {
        finding = fail(`The check could not finish: ${error instanceof Error ? error.message : String(error)}`, 'Check Again; if it keeps failing, copy the report for your platform team.');
      } finally {
        clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', outer);
      }
      const row: Row = { id: check.id, area: check.area, title: check.title, why: check.why, ms: clock.now() - started, ...finding };
      options.onRow?.(row);
      return row;
    }),
  );
}

/** The worst status of `rows`: what the whole run says. */
export function overall(rows: readonly Row[]): Status {
  if (rows.some((r) => r.status === 'fail')) return 'fail';
  if (rows.some((r) => r.status === 'warning')) return 'warning';
  return 'pass';
}
