// Every way signing in or renewing a session can fail, as a sentence a user can act on.
//
// Errors from openid-client and the AWS SDK are mapped here, in one table each, by their codes
// (never by parsing messages across the code base). Pure: unit-tested without VS Code.
import { settingId, type SettingProblem } from './config/schema';

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
  | 'settings'
  | 'cancelled'
  | 'timeout'
  | 'denied'
  | 'idpRefused'
  | 'stateMismatch'
  | 'portInUse'
  | 'idpUnreachable'
  | 'idpError'
  | 'issuerMismatch'
  | 'codeRejected'
  | 'idTokenExpired'
  | 'idTokenInvalid'
  | 'noIdToken'
  | 'refreshRejected'
  | 'stsInvalidToken'
  | 'stsAccessDenied'
  | 'stsExpiredToken'
  | 'stsIdpCommunication'
  | 'stsRegionDisabled'
  | 'stsDuration'
  | 'stsUnreachable'
  | 'stsError'
  | 'unexpected';

/** A failure a user sees: what happened and what to do, with buttons for the next step. */
export class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly actions: readonly Action[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Failure';
  }

  /** Cancelling is the user's own choice: it is reported quietly, not as an error. */
  get quiet(): boolean {
    return this.kind === 'cancelled';
  }

  /** Worth retrying later on its own (a silent refresh keeps the session for these). */
  get transient(): boolean {
    return ['idpUnreachable', 'idpError', 'stsIdpCommunication', 'stsUnreachable', 'stsError', 'unexpected'].includes(this.kind);
  }
}

/** What the failure messages may name: nothing here is secret. */
export interface FailureContext {
  readonly issuer: string;
  readonly clientId: string;
  readonly roleArn: string;
  readonly region: string;
  readonly redirectPort: number;
  readonly sessionDuration: number;
  /** STS endpoint actually used. */
  readonly stsEndpoint: string;
  /** Seconds each request to the IdP or AWS may wait for an answer. */
  readonly requestTimeout: number;
  /** Seconds all of STS's attempts may take together. */
  readonly stsDeadline: number;
}

/** `cannot`: what the bad setting stops, as in "Claude Bedrock cannot sign in". */
export function settingsFailure(problems: readonly SettingProblem[], cannot = 'sign in'): Failure {
  const [first] = problems;
  const more = problems.length > 1 ? ` ${problems.length - 1} more setting${problems.length > 2 ? 's need' : ' needs'} attention too.` : '';
  return new Failure(
    'settings',
    `Claude Bedrock cannot ${cannot}: the setting ${first.setting} ${first.problem}${more}`,
    [{ kind: 'openSetting', setting: first.setting }],
  );
}

export function cancelled(): Failure {
  return new Failure('cancelled', 'Sign-in cancelled.');
}

export function timedOut(seconds: number): Failure {
  const span = seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`;
  return new Failure(
    'timeout',
    `Sign-in timed out: the browser did not come back within ${span}. Sign in again and finish the page that opens in your browser.`,
    [SIGN_IN],
  );
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
  return new Failure('refreshRejected', `Your Claude Bedrock session could not be renewed (${reason}). Sign in again to continue.`, [SIGN_IN], {
    cause,
  });
}

interface OidcErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly error?: string;
  readonly error_description?: string;
  readonly message?: string;
  readonly cause?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** A string property somewhere along an error's cause chain (openid-client nests them). */
function causeProperty(error: unknown, key: string): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const value = (current as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The network error code (ECONNREFUSED, ...) somewhere in an error's cause chain, if any. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why a service could not be reached: no answer in time, or a network error (its code). */
export type Unreachable = { readonly kind: 'noAnswer' } | { readonly kind: 'network'; readonly code: string };

/**
 * Whether an error means the service could not be reached, and why; undefined for any other
 * error. A timeout is told apart by its name first: the AWS SDK's carries ETIMEDOUT as well.
 */
export function unreachable(error: unknown): Unreachable | undefined {
  const e = (error ?? {}) as { name?: unknown; code?: unknown };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'OAUTH_TIMEOUT') return { kind: 'noAnswer' };
  const code = networkCode(error);
  return code ? { kind: 'network', code } : undefined;
}

/** Which step of talking to the IdP failed: the messages differ. */
export type OidcStep = 'discovery' | 'exchange' | 'refresh';

/** Maps an openid-client (or fetch) error to what the user is told. */
export function oidcFailure(error: unknown, step: OidcStep, ctx: FailureContext): Failure {
  const e = (error ?? {}) as OidcErrorShape;
  const options = { cause: error };
  const idp = `your identity provider at ${ctx.issuer}`;
  const description = e.error_description ? `: ${e.error_description.trim().replace(/\.$/, '')}` : '';

  if (e.code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR') {
    if (e.error === 'access_denied') {
      return new Failure(
        'denied',
        `Sign-in was declined at your identity provider${description}. If you did not mean to decline, sign in again; if access is refused, ask your platform team to give you access to the app.`,
        [SIGN_IN],
        options,
      );
    }
    return new Failure(
      'idpRefused',
      `Your identity provider refused the sign-in request (${e.error}${description}). Check that claudeBedrock.clientId and claudeBedrock.scopes match the app your platform team registered.`,
      [openSetting('clientId'), SHOW_LOG],
      options,
    );
  }
  if (e.code === 'OAUTH_RESPONSE_BODY_ERROR' && e.error === 'invalid_grant') {
    if (step === 'refresh') return refreshRejected('your identity provider no longer accepts the saved sign-in', error);
    return new Failure(
      'codeRejected',
      `Your identity provider rejected the sign-in code (invalid_grant${description}). Sign in again; if it keeps failing, your platform team must register the redirect URI http://127.0.0.1:${ctx.redirectPort}/callback for client ${ctx.clientId}.`,
      [SIGN_IN, SHOW_LOG],
      options,
    );
  }
  if (e.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return new Failure(
      'idTokenExpired',
      "Your identity provider returned an ID token that is already expired or not yet valid. Check that this computer's clock is set correctly, then sign in again.",
      [SIGN_IN],
      options,
    );
  }
  if (e.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    const claim = causeProperty(error, 'claim');
    const what: Record<string, string> = {
      iss: 'it was issued by a different issuer than claudeBedrock.issuer',
      aud: 'it was issued for a different client than claudeBedrock.clientId',
      azp: 'it was issued for a different client than claudeBedrock.clientId',
      nonce: 'its nonce does not match this sign-in',
    };
    const reason = (claim && what[claim]) ?? 'a claim does not match';
    return new Failure(
      'idTokenInvalid',
      `Your identity provider returned an ID token that failed validation: ${reason}. Check that claudeBedrock.issuer and claudeBedrock.clientId match the app your platform team registered, then sign in again.`,
      [openSetting('issuer'), SHOW_LOG],
      options,
    );
  }
  if (e.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' && step === 'discovery') {
    return new Failure(
      'issuerMismatch',
      `The identity provider at ${ctx.issuer} describes itself with a different issuer URL. Check claudeBedrock.issuer, including whether it ends with a slash.`,
      [openSetting('issuer'), SHOW_LOG],
      options,
    );
  }
  const reach = unreachable(error);
  if (reach) {
    const why = reach.kind === 'network' ? ` (${reach.code})` : ` (no answer within ${ctx.requestTimeout} s)`;
    return new Failure(
      'idpUnreachable',
      `Could not reach ${idp}${why}. Check your network or VPN connection, then sign in again.`,
      [SIGN_IN, SHOW_LOG],
      options,
    );
  }
  if (step === 'refresh' && e.code === 'OAUTH_RESPONSE_BODY_ERROR') {
    return refreshRejected(`your identity provider answered ${e.error ?? 'with an error'}`, error);
  }
  const detail = e.error ?? e.code ?? e.name ?? 'unknown error';
  return new Failure(
    'idpError',
    `${capitalise(idp)} gave an unexpected answer (${detail}). Try again in a moment; if it keeps happening, tell your platform team.`,
    [SIGN_IN, SHOW_LOG],
    options,
  );
}

export function noIdToken(): Failure {
  return new Failure(
    'noIdToken',
    'Your identity provider did not return an ID token. Check that claudeBedrock.scopes includes "openid", then sign in again.',
    [openSetting('scopes'), SIGN_IN],
  );
}

interface AwsErrorShape {
  readonly name?: string;
  readonly Code?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** The AWS error code without the SDK's "Exception" suffix: InvalidIdentityToken, AccessDenied, ... */
export function awsErrorCode(error: unknown): string | undefined {
  const e = (error ?? {}) as AwsErrorShape;
  const raw = e.Code ?? e.name;
  if (!raw || raw === 'Error') return undefined;
  return raw === 'ExpiredTokenException' ? 'ExpiredToken' : raw.replace(/Exception$/, '');
}

/** Maps an STS AssumeRoleWithWebIdentity error to what the user is told. */
export function stsFailure(error: unknown, ctx: FailureContext): Failure {
  const code = awsErrorCode(error);
  const options = { cause: error };
  const status = (error as AwsErrorShape | undefined)?.$metadata?.httpStatusCode;
  switch (code) {
    case 'InvalidIdentityToken':
    case 'IDPRejectedClaim':
      return new Failure(
        'stsInvalidToken',
        `AWS did not accept your sign-in token (${code}). Your platform team must register ${ctx.issuer} as an IAM identity provider with the audience ${ctx.clientId}.`,
        [SHOW_LOG],
        options,
      );
    case 'AccessDenied':
      return new Failure(
        'stsAccessDenied',
        `AWS did not let you assume the role ${ctx.roleArn}: its trust policy does not allow your identity. Check claudeBedrock.roleArn, or ask your platform team to check the role's trust policy.`,
        [openSetting('roleArn'), SHOW_LOG],
        options,
      );
    case 'ExpiredToken':
      return new Failure(
        'stsExpiredToken',
        "AWS rejected your sign-in token as expired. Check that this computer's clock is set correctly, then sign in again.",
        [SIGN_IN],
        options,
      );
    case 'IDPCommunicationError':
      return new Failure(
        'stsIdpCommunication',
        'AWS could not reach your identity provider to verify your sign-in (IDPCommunicationError), even after several tries. Sign in again in a few minutes.',
        [SIGN_IN, SHOW_LOG],
        options,
      );
    case 'RegionDisabled':
      return new Failure(
        'stsRegionDisabled',
        `AWS STS is not activated in ${ctx.region} for this account. Set claudeBedrock.region to a region your account uses, or ask your platform team to activate STS in ${ctx.region}.`,
        [openSetting('region')],
        options,
      );
    case 'ValidationError':
      if (/DurationSeconds/i.test((error as AwsErrorShape).message ?? '')) {
        return new Failure(
          'stsDuration',
          `The role ${ctx.roleArn} does not allow sessions of ${ctx.sessionDuration} seconds. Lower claudeBedrock.sessionDuration (the role's maximum session duration is set by your platform team).`,
          [openSetting('sessionDuration')],
          options,
        );
      }
      break;
    default:
      break;
  }
  const reach = unreachable(error);
  if (status === undefined || reach) {
    const why = reach?.kind === 'network' ? ` (${reach.code})` : reach?.kind === 'noAnswer' ? ` (no answer within ${ctx.stsDeadline} s)` : '';
    return new Failure(
      'stsUnreachable',
      `Could not reach AWS STS at ${ctx.stsEndpoint}${why}. Check your network, proxy or VPN connection, then sign in again.`,
      [SIGN_IN, SHOW_LOG],
      options,
    );
  }
  return new Failure(
    'stsError',
    `AWS STS refused the sign-in (${code ?? `HTTP ${status}`}). Try again in a moment; if it keeps happening, show the log to your platform team.`,
    [SIGN_IN, SHOW_LOG],
    options,
  );
}

/** Anything not foreseen still reaches the user as a sentence, with the details in the log. */
export function unexpected(error: unknown): Failure {
  if (error instanceof Failure) return error;
  return new Failure('unexpected', 'Sign-in failed unexpectedly. Show the log for details, then sign in again.', [SIGN_IN, SHOW_LOG], {
    cause: error,
  });
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
