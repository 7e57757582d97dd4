// The failures the sign-in raises itself, before or after asking anyone. Pure.
import { Failure, SIGN_IN, openSetting } from './failure';

export function cancelled(): Failure {
  return new Failure('cancelled', 'Sign-in cancelled.');
}

/** "5 minutes", "1 minute", "90 seconds". */
export function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`;
}

export function timedOut(seconds: number): Failure {
  return new Failure('timeout', `Sign-in timed out: the browser did not come back within ${duration(seconds)}. Sign in again and finish the page that opens in your browser.`, [SIGN_IN]);
}

export function stateMismatch(): Failure {
  return new Failure(
    'stateMismatch',
    'Sign-in stopped: the browser returned an answer that does not belong to this sign-in (state mismatch), perhaps from an old browser tab. Close old sign-in tabs and sign in again.',
    [SIGN_IN],
  );
}

export function portInUse(port: number, cause: unknown): Failure {
  return new Failure(
    'portInUse',
    `Sign-in could not start: port ${port} on 127.0.0.1 is already in use by another program. Close that program (or finish a sign-in still open in another VS Code window), then sign in again.`,
    [SIGN_IN, openSetting('redirectPort')],
    { cause },
  );
}

export function refreshRejected(reason: string, cause?: unknown): Failure {
  return new Failure('refreshRejected', `Your Claude Bedrock session could not be renewed (${reason}). Sign in again to continue.`, [SIGN_IN], { cause });
}

export function noIdToken(): Failure {
  return new Failure('noIdToken', 'Your identity provider did not return an ID token. Check that claudeBedrock.scopes includes "openid", then sign in again.', [
    openSetting('scopes'),
    SIGN_IN,
  ]);
}

export function sessionExpired(): Failure {
  return new Failure('refreshRejected', 'Your Claude Bedrock session has expired. Sign in again to continue.', [SIGN_IN]);
}
