// Claude Code's status line in words: the one line the helper's `statusline` prints, from a
// window's answer (src/claudeCode/broker.ts) or from why no window answered. Claude Code shows
// the first line of it under its prompt. Pure: facts in, one line of plain text out.
//
//   Bedrock · ana@example.com · 62% quota left · today $4.12 · 1.2M tok · keys renew 14:05
//   Bedrock · signed out — run Claude Bedrock: Sign In in VS Code
//   Bedrock · VS Code not running
import type { StatusLineAnswer } from '../claudeCode/protocol';
import { terminalText } from '../util/text';

const SEPARATOR = ' · ';
const SIGN_IN = 'run Claude Bedrock: Sign In in VS Code';
/** Words from outside (a name, the quota's words) longer than this are cut: the line stays short. */
const LONGEST_OUTSIDE_WORDS = 60;

/** Why no window answered: none is running, none answered in time, or the answer made no sense. */
export type NoAnswer = 'notRunning' | 'timeout' | 'unreadable';

const NO_ANSWER_WORDS: Record<NoAnswer, string> = {
  notRunning: 'VS Code not running',
  timeout: 'VS Code not answering',
  unreadable: 'status unavailable',
};

/** What follows each state the keys can be in when they are not ready: what to do about it. */
const NOT_READY_FIX: Record<string, string> = {
  'signed out': SIGN_IN,
  'sign-in needed': SIGN_IN,
  'signing in': 'finish it in your browser',
};

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A window's answer, checked for shape; a field that is not what it should be counts as absent. */
export function readStatusLineAnswer(value: unknown): StatusLineAnswer | undefined {
  const answer = value as Partial<Record<keyof StatusLineAnswer, unknown>> | null;
  if (typeof answer !== 'object' || answer === null || typeof answer.state !== 'string') return undefined;
  const today = answer.today as { tokens?: unknown; cost?: unknown } | null | undefined;
  const todayRead = typeof today === 'object' && today !== null && finite(today.tokens) && today.tokens >= 0 ? { tokens: today.tokens, cost: finite(today.cost) && today.cost >= 0 ? today.cost : undefined } : undefined;
  return {
    who: text(answer.who),
    state: answer.state,
    quota: text(answer.quota),
    today: todayRead,
    renewsAt: finite(answer.renewsAt) ? answer.renewsAt : undefined,
  };
}

/** Words from outside, cut to a length a status line can hold. */
function outside(words: string): string {
  const plain = terminalText(words).trim();
  return plain.length > LONGEST_OUTSIDE_WORDS ? `${plain.slice(0, LONGEST_OUTSIDE_WORDS - 1)}…` : plain;
}

/** A count in a few characters: 850, 12.3k, 123k, 1.2M, 4.5B. */
function shortCount(count: number): string {
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (count < size) continue;
    const scaled = count / size;
    return `${scaled < 10 ? scaled.toFixed(1).replace(/\.0$/, '') : Math.round(scaled)}${unit}`;
  }
  return String(Math.round(count));
}

/** Tokens as the line shows them: "1.2M tok". */
export function tokenWords(tokens: number): string {
  return `${shortCount(tokens)} tok`;
}

/** Dollars as the line shows them: "$4.12", "$1,234". */
export function costWords(cost: number): string {
  return cost < 1000 ? `$${cost.toFixed(2)}` : `$${Math.round(cost).toLocaleString('en-US')}`;
}

/** A moment as the local clock shows it: "14:05". */
export function clockWords(epochMs: number): string {
  const at = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** Today on this machine: cost and tokens, or tokens with the price unknown (never shown as free). */
function todayWords(today: NonNullable<StatusLineAnswer['today']>): string {
  return today.cost === undefined ? `today ${tokenWords(today.tokens)}${SEPARATOR}price unknown` : `today ${costWords(today.cost)}${SEPARATOR}${tokenWords(today.tokens)}`;
}

/** The line for a window's answer. */
export function statusLineText(answer: StatusLineAnswer): string {
  const parts = ['Bedrock'];
  if (answer.who) parts.push(outside(answer.who));
  if (answer.state !== '') {
    const fix = NOT_READY_FIX[answer.state];
    parts.push(`${outside(answer.state)}${fix ? ` — ${fix}` : ''}`);
  }
  // Blocked, the quota's words and today's usage say why; signed out, there is nothing to show.
  const showsFigures = answer.state === '' || answer.state === 'blocked by quota';
  if (showsFigures && answer.quota) parts.push(outside(answer.quota));
  if (showsFigures && answer.today) parts.push(todayWords(answer.today));
  if (answer.state === '' && answer.renewsAt !== undefined) parts.push(`keys renew ${clockWords(answer.renewsAt)}`);
  return terminalText(parts.join(SEPARATOR));
}

/** The line when no window answered. */
export function noAnswerText(why: NoAnswer): string {
  return `Bedrock${SEPARATOR}${NO_ANSWER_WORDS[why]}`;
}
