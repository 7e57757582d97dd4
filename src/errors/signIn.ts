// The failures the sign-in raises itself, before or after asking anyone. Pure.
import { Failure, SHOW_LOG, SIGN_IN, openSetting, type Action } from './failure';

const DIAGNOSE: Action = { kind: 'run', command: 'claudeBedrock.diagnose', label: 'Diagnose' };

export function cancelled(): Failure {
  return new Failure('cancelled', 'Sign-in cancelled.');
}

/** "5 minutes", "1 minute", "90 seconds". */
export function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`;
}

/**
 * The browser never came back. The two most common set-up mistakes end here: an identity
 * provider that does not know the client ID, or does not allow the redirect URI, shows its own
 * error page and never sends the browser back. Diagnose asks it which.
 */
export function timedOut(seconds: number, redirectUri?: string): Failure {
  const redirect = redirectUri ? `the redirect URI ${redirectUri} is allowed for it` : 'the redirect URI is allowed for it';
  return new Failure(
    'timeout',
    `Sign-in timed out: the browser did not come back within ${duration(seconds)}. If your identity provider's page showed an error (such as invalid_client, or a redirect URI it does not allow), check claudeBedrock.clientId and that ${redirect}: Diagnose checks both. Otherwise sign in again and finish the page that opens in your browser.`,
    [DIAGNOSE, SIGN_IN],
  );
}

/**
 * The sign-in timed out, and what reached the sign-in port in the meantime were answers that
 * were not its own (refused, see browser/answer.ts): from an earlier sign-in's tab, or `other`
 * (another web page, an identity provider that changes the state or names another issuer).
 */
export function stateMismatch(seconds: number, refused: { readonly earlier: number; readonly other: number }): Failure {
  if (refused.other === 0) {
    return new Failure(
      'stateMismatch',
      `Sign-in timed out: within ${duration(seconds)} the browser came back only from an earlier sign-in's tab, not from the page this sign-in opened. Close the old sign-in tabs, then sign in again and finish in the tab that opens.`,
      [SIGN_IN],
    );
  }
  const count = refused.earlier + refused.other;
  return new Failure(
    'stateMismatch',
    `Sign-in timed out: the browser did not come back with this sign-in's answer within ${duration(seconds)}. VS Code refused ${count === 1 ? 'one answer' : `${count} answers`} at its sign-in port that did not belong to this sign-in (sent by another web page, or by an identity provider that changes the sign-in's answer). Sign in again and finish in the tab that opens; if your browser then says "Not this sign-in", show the log to your platform team.`,
    [SIGN_IN, SHOW_LOG],
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

/** The command that signs in with a code once, whatever `claudeBedrock.ssoSignInMethod` says. */
export const SIGN_IN_WITH_CODE = 'claudeBedrock.signInWithCode';

/** IAM Identity Center's browser never came back to the loopback port: offer the code. */
export function browserDidNotReturn(seconds: number): Failure {
  return new Failure(
    'timeout',
    `Sign-in timed out: the browser did not come back to VS Code within ${duration(seconds)}. If its page could not reach VS Code (a remote window), sign in with a code instead.`,
    [{ kind: 'run', command: SIGN_IN_WITH_CODE, label: 'Sign In with a Code' }, SIGN_IN],
  );
}
