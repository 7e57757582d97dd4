// A way of getting AWS credentials, as data: when it applies, and how it signs in, renews and
// signs out. The session core and the sign-in run whichever flow the settings choose
// (flows.ts); each flow is one object in its own file, with its clients passed in.
import type { Checked } from '../../config/setting';
import type { Session } from '../session';

/** What every flow's settings say, whatever else they hold. */
export interface FlowSettings {
  /** Seconds a sign-in may wait for the user (the browser). */
  readonly signInTimeout: number;
  /** Seconds each request to the IdP or AWS may wait for an answer. */
  readonly requestTimeout: number;
}

/** One interactive sign-in: the user's cancel, and where its progress is shown. */
export interface FlowRun {
  readonly signal: AbortSignal;
  progress(message: string): void;
}

export interface Flow {
  /** Stored with each session: which flow renews it. */
  readonly id: string;
  /** True when the settings choose this flow. */
  applies(): boolean;
  /** The flow's settings, checked: the problems name the settings to fix. */
  check(): Checked<FlowSettings>;
  /** The fingerprint of the settings a session of this flow belongs to; undefined while they are not valid. */
  binding(): string | undefined;
  /** The interactive sign-in (the browser). Nothing is stored here: a failure leaves nothing behind. */
  signIn(run: FlowRun): Promise<Session>;
  /** True when `renew` can work without the user for this session. */
  canRenew(session: Session): boolean;
  /**
   * Renews `session` silently, or throws a Failure. `keep` saves what must not be lost if a
   * later step fails (a refresh token the IdP rotated: the old one is spent).
   */
  renew(session: Session, keep: (session: Session) => Promise<void>): Promise<Session>;
  /** At sign-out, best effort: lets the identity provider forget the session. */
  signOut(session: Session): Promise<void>;
  /** Forgets what it keeps between sign-ins (the IdP's discovery): the next one starts afresh. */
  forget(): void;
}
