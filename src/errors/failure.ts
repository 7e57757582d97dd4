// A failure as the user meets it: a sentence that says what happened and what to do, and the
// buttons for the next step. Every error of the IdP and AWS becomes one through explain.ts;
// the few the extension raises itself are built here and in signIn.ts. Pure.
import { settingId, type SettingProblem } from '../config/rules';

/** A button on a failure notification. */
export type Action =
  | { readonly kind: 'signIn' }
  | { readonly kind: 'openSetting'; readonly setting: string }
  | { readonly kind: 'showLog' }
  | { readonly kind: 'signOut' }
  | { readonly kind: 'copyLink'; readonly text: string; readonly label?: string }
  | { readonly kind: 'run'; readonly command: string; readonly label: string; readonly args?: readonly unknown[] };

export const SIGN_IN: Action = { kind: 'signIn' };
export const SHOW_LOG: Action = { kind: 'showLog' };
export const SIGN_OUT: Action = { kind: 'signOut' };
export function openSetting(key: string): Action {
  return { kind: 'openSetting', setting: settingId(key) };
}

export type FailureKind =
  // Settings and the sign-in's own steps.
  | 'settings'
  | 'cancelled'
  | 'timeout'
  | 'stateMismatch'
  | 'portInUse'
  | 'noIdToken'
  | 'refreshRejected'
  // The identity provider.
  | 'denied'
  | 'idpRefused'
  | 'idpUnreachable'
  | 'idpError'
  | 'issuerMismatch'
  | 'codeRejected'
  | 'idTokenExpired'
  | 'idTokenInvalid'
  // AWS STS at sign-in and renewal.
  | 'stsInvalidToken'
  | 'stsAccessDenied'
  | 'stsExpiredToken'
  | 'stsIdpCommunication'
  | 'stsRegionDisabled'
  | 'stsDuration'
  | 'stsUnreachable'
  | 'stsError'
  // A Cognito identity pool at sign-in and renewal.
  | 'poolRefused'
  | 'poolNotFound'
  | 'poolError'
  // IAM Identity Center at sign-in and renewal.
  | 'ssoStartUrl'
  | 'ssoNoAccess'
  | 'ssoError'
  // Services read with the session's keys (Bedrock, CloudWatch, the quota API).
  | 'accessDenied'
  | 'throttled'
  | 'notFound'
  | 'unreachable'
  | 'unreadable'
  | 'expiredKeys'
  | 'rejected'
  | 'serviceError'
  // The quota service does not allow new keys (quota/gate.ts).
  | 'quotaBlocked'
  | 'unexpected';

const TRANSIENT: ReadonlySet<FailureKind> = new Set([
  'idpUnreachable',
  'idpError',
  'stsIdpCommunication',
  'stsUnreachable',
  'stsError',
  'poolError',
  'ssoError',
  'throttled',
  'unreachable',
  'serviceError',
  'unexpected',
]);

/** A failure a user sees: what happened and what to do, with buttons for the next step. */
export class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly actions: readonly Action[] = [],
    options?: { cause?: unknown; code?: string; what?: string },
  ) {
    super(message, options);
    this.name = 'Failure';
    this.code = options?.code;
    this.what = options?.what;
  }

  /** The service's own error code, when there was one (shown in reports, never parsed). */
  readonly code: string | undefined;

  /**
   * What happened, in a few words and without advice ("AWS STS is throttling requests
   * (Throttling)"), for a failure worth trying again: a renewal says it in a sentence of its own.
   */
  readonly what: string | undefined;

  /** Cancelling is the user's own choice: it is reported quietly, not as an error. */
  get quiet(): boolean {
    return this.kind === 'cancelled';
  }

  /** Worth retrying later on its own (a silent refresh keeps the session for these). */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

export type Severity = 'info' | 'warning' | 'error';

/** Where sentences reach the user: notifications (ui/notify.ts). */
export interface Notify {
  show(severity: Severity, message: string, actions?: readonly Action[]): void;
  failure(failure: Failure): void;
}

/** `cannot`: what the bad setting stops, as in "Claude Bedrock cannot sign in". */
export function settingsFailure(problems: readonly SettingProblem[], cannot = 'sign in'): Failure {
  const [first] = problems;
  const more = problems.length > 1 ? ` ${problems.length - 1} more setting${problems.length > 2 ? 's need' : ' needs'} attention too.` : '';
  return new Failure('settings', `Claude Bedrock cannot ${cannot}: the setting ${first.setting} ${first.problem}${more}`, [{ kind: 'openSetting', setting: first.setting }]);
}

/** Anything not foreseen still reaches the user as a sentence, with the details in the log. */
export function unexpected(error: unknown): Failure {
  if (error instanceof Failure) return error;
  return new Failure('unexpected', 'Sign-in failed unexpectedly. Show the log for details, then sign in again.', [SIGN_IN, SHOW_LOG], { cause: error });
}
