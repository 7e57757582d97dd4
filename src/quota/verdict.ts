// What the quota service's answer (or its failure) means for the keys: handed out, or not, and
// why, in the words every place that refuses shows (notification, status bar, the terminals'
// endpoint, Claude Code's helper). Pure.
import { oneLine, type QuotaAnswer } from './answer';

/** What happens when the quota service cannot be asked: keys flow (open) or not (closed). */
export type FailMode = 'open' | 'closed';

export type Verdict =
  /** The service allows (or no quota service is configured: no answer). */
  | { readonly kind: 'allowed'; readonly answer: QuotaAnswer | undefined; readonly at: number }
  /** No keys: the service says so, or it failed and the fail mode is closed. */
  | {
      readonly kind: 'blocked';
      /** A few words for the status bar: "monthly token quota used up". */
      readonly why: string;
      /** What happened and what comes next, as a sentence: keys flow again by themselves once allowed. */
      readonly sentence: string;
      /**
       * The same at a sign-in, which the block stops before any session is kept: nothing is
       * checked again on the user's behalf, so they sign in again once allowed.
       */
      readonly signInSentence: string;
      /** Epoch milliseconds of the reset the reason implies, when it implies one. */
      readonly resetsAt: number | undefined;
      readonly answer: QuotaAnswer | undefined;
      readonly at: number;
    }
  /** The service failed and the fail mode is open: keys flow, the check is said to have failed. */
  | { readonly kind: 'unchecked'; readonly problem: string; readonly at: number };

const REASONS: Record<string, string> = {
  monthly_exceeded: 'your monthly token quota is used up',
  daily_exceeded: "today's token quota is used up",
  monthly_cost_exceeded: 'your monthly cost limit is reached',
  daily_cost_exceeded: "today's cost limit is reached",
  missing_identity: 'the quota service could not tell who you are',
};

const SHORT: Record<string, string> = {
  monthly_exceeded: 'monthly token quota used up',
  daily_exceeded: 'daily token quota used up',
  monthly_cost_exceeded: 'monthly cost limit reached',
  daily_cost_exceeded: 'daily cost limit reached',
  missing_identity: 'quota service cannot tell who you are',
};

/** The quota service's reason, as the second half of a sentence (one it does not know, as it came, on one line). */
export function blockedReasonText(reason: string): string {
  return REASONS[reason] ?? oneLine(reason.replace(/_/g, ' '), 100);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_MS = 86_400_000;

/** When a limit of this kind starts afresh: the 1st of next month, or the next midnight (UTC). */
export function resetOf(reason: string, now: number): number | undefined {
  const d = new Date(now);
  if (reason.startsWith('monthly')) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  if (reason.startsWith('daily')) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + DAY_MS;
  return undefined;
}

/** "at midnight UTC, in 3 h 20 min" within a day, else "on 1 December (UTC)". */
export function resetText(resetsAt: number, now: number): string {
  const left = resetsAt - now;
  if (left <= DAY_MS) {
    const minutes = Math.max(1, Math.ceil(left / 60_000));
    const span = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
    return `at midnight UTC, in ${span}`;
  }
  const d = new Date(resetsAt);
  return `on ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} (UTC)`;
}

function sentenceEnd(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The service's answer as a verdict. */
export function verdictOf(answer: QuotaAnswer, now: number): Verdict {
  if (answer.allowed) return { kind: 'allowed', answer, at: now };
  const resetsAt = resetOf(answer.reason, now);
  const unknown = answer.reason === 'missing_identity' ? 'Ask your platform team to check the quota service knows your sign-in.' : undefined;
  const next =
    unknown ??
    (resetsAt
      ? `It resets ${resetText(resetsAt, now)}; Claude Code works again then, without a new sign-in.`
      : 'Claude Code works again as soon as the quota service allows it, without a new sign-in.');
  const atSignIn =
    unknown ??
    `${resetsAt ? `It resets ${resetText(resetsAt, now)}: sign in again then` : 'Sign in again once the quota service allows it'}, or as soon as your platform team lifts the block. No sign-in is kept while you are blocked.`;
  const said = `Claude Code is blocked: ${blockedReasonText(answer.reason)}.${answer.message ? ` The quota service says: "${sentenceEnd(answer.message)}"` : ''}`;
  return {
    kind: 'blocked',
    why: SHORT[answer.reason] ?? blockedReasonText(answer.reason),
    sentence: `${said} ${next}`,
    signInSentence: `${said} ${atSignIn}`,
    resetsAt,
    answer,
    at: now,
  };
}

/** The service could not be asked (`problem`: a sentence saying why): the fail mode decides. */
export function failedVerdict(problem: string, mode: FailMode, recheckMinutes: number, now: number): Verdict {
  if (mode === 'open') return { kind: 'unchecked', problem, at: now };
  return {
    kind: 'blocked',
    why: 'quota service not answering',
    sentence: `Claude Code is blocked: your quota could not be checked. ${sentenceEnd(problem)} Your organisation hands out no credentials without that check; it is checked again within ${recheckMinutes} min, and Claude Code works again once it answers, without a new sign-in.`,
    signInSentence: `Claude Code is blocked: your quota could not be checked. ${sentenceEnd(problem)} Your organisation hands out no credentials without that check: sign in again once the quota service answers.`,
    resetsAt: undefined,
    answer: undefined,
    at: now,
  };
}
