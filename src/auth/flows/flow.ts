// A way of getting AWS credentials, as data: when it applies, and how it signs in, renews and
// signs out. The session core and the sign-in run whichever flow the settings choose
// (catalog.ts); each flow is one object in its own file, with its clients passed in.
import type { AwsCredentials } from '../../aws/credentials';
import type { Checked } from '../../config/rules';
import type { Session } from '../session';

/** What every flow's settings say, whatever else they hold. */
export interface FlowSettings {
  /** Seconds a sign-in may wait for the user (the browser). */
  readonly signInTimeout: number;
  /** Seconds each request to the IdP or AWS may wait for an answer. */
  readonly requestTimeout: number;
}

/**
 * Who is about to get keys: what the quota gate asks about before they are handed out. The ID
 * token where the flow has one (asked before the keys are minted); else the new keys themselves,
 * which sign the question (IAM Identity Center).
 */
export interface Proof {
  readonly subject: string;
  readonly idToken: string | undefined;
  readonly credentials?: AwsCredentials;
}

/**
 * The step every flow passes through before it mints keys: the quota gate (quota/gate.ts).
 * Throws a Failure (kind quotaBlocked) when no keys may be minted.
 */
export type Admit = (proof: Proof) => Promise<void>;

/** One interactive sign-in: the user's cancel, where its progress is shown, and the gate. */
export interface FlowRun {
  readonly signal: AbortSignal;
  progress(message: string): void;
  readonly admit: Admit;
}

/** What signing in and renewing need of the quota gate. */
export interface Admission {
  /** True when keys must pass the gate (a quota service is configured). */
  readonly enabled: boolean;
  admit(proof: Proof & { readonly interactive: boolean }): Promise<void>;
}

/**
 * The gate for one sign-in or renewal, and whether the flow passed it: keys a flow minted
 * without passing an enabled gate are not kept (`check`).
 */
export function gateFor(admission: Admission, interactive: boolean): { readonly admit: Admit; check(): void } {
  let passed = false;
  return {
    admit: async (proof) => {
      await admission.admit({ ...proof, interactive });
      passed = true;
    },
    check: () => {
      if (admission.enabled && !passed) throw new Error('The sign-in flow minted keys without asking the quota gate.');
    },
  };
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
  /** The interactive sign-in (the browser); `run.admit` before keys are minted. Nothing is stored here: a failure leaves nothing behind. */
  signIn(run: FlowRun): Promise<Session>;
  /** True when `renew` can work without the user for this session. */
  canRenew(session: Session): boolean;
  /**
   * Renews `session` silently, or throws a Failure. `keep` saves what must not be lost if a
   * later step fails (a refresh token the IdP rotated: the old one is spent). `admit` must be
   * passed before new keys are minted.
   */
  renew(session: Session, keep: (session: Session) => Promise<void>, admit: Admit): Promise<Session>;
  /** At sign-out, best effort: lets the identity provider forget the session. */
  signOut(session: Session): Promise<void>;
  /** Forgets what it keeps between sign-ins (the IdP's discovery): the next one starts afresh. */
  forget(): void;
}
