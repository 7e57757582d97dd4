// Which answers at the callback belong to the sign-in under way. Any web page the user has open
// can send the browser to http://127.0.0.1:<port>/callback (an <img> is enough), so the port
// hears answers that are not this sign-in's; they are refused one by one and the sign-in keeps
// waiting for its own. An answer is this sign-in's when it carries this sign-in's `state` (once,
// compared in constant time) and, where the identity provider names itself in its answers
// (RFC 9207 `iss`), that identity provider's issuer. Pure but for the hash.
import { createHash, timingSafeEqual } from 'node:crypto';

/** What this sign-in's answer carries. */
export interface Expected {
  readonly state: string;
  /** The identity provider's issuer, checked when an answer names one. */
  readonly issuer?: string;
  /** The identity provider names itself in every answer (it advertises `iss`): one without it is not its. */
  readonly issuerInAnswers?: boolean;
}

/** Why an answer was refused; undefined: it is this sign-in's. */
export type Refusal = 'noState' | 'otherState' | 'earlierSignIn' | 'noIssuer' | 'otherIssuer';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Equal texts, in a time that does not depend on where they differ. */
export function sameText(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * The states of the last few sign-ins in this window, as hashes: an answer carrying one came
 * from an old sign-in tab, which is then what the user is told (and nothing else is blamed on it).
 */
export class EarlierStates {
  private readonly digests: Buffer[] = [];

  constructor(private readonly keep = 8) {}

  remember(state: string): void {
    this.digests.push(digest(state));
    if (this.digests.length > this.keep) this.digests.shift();
  }

  has(state: string): boolean {
    const d = digest(state);
    // Every one compared, so the time says nothing about which matched.
    return this.digests.reduce((found, earlier) => timingSafeEqual(earlier, d) || found, false);
  }
}

/** Judges an answer's query against `expected` (none yet: no answer is this sign-in's). */
export function judge(params: URLSearchParams, expected: Expected | undefined, earlier?: EarlierStates): Refusal | undefined {
  const states = params.getAll('state');
  if (states.length === 0 || states[0] === '') return 'noState';
  // A repeated parameter is ambiguous: which one the code exchange would read is not this check's.
  if (states.length > 1 || !expected || !sameText(states[0], expected.state)) return earlier?.has(states[0]) && states.length === 1 ? 'earlierSignIn' : 'otherState';
  const issuers = params.getAll('iss');
  if (issuers.length === 0) return expected.issuerInAnswers ? 'noIssuer' : undefined;
  if (issuers.length > 1 || (expected.issuer !== undefined && !sameText(issuers[0], expected.issuer))) return 'otherIssuer';
  return undefined;
}
