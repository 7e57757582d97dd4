// What an entry of the error table is (explain.ts): the context a sentence may name, the error's
// fields it is keyed by, and the helpers sentences share. Pure.
import { Failure, SHOW_LOG, SIGN_IN, type Action, type FailureKind } from './failure';
import type { Unreachable } from './codes';

/** Which step of talking to the IdP failed: some answers mean different things at each. */
export type OidcStep = 'discovery' | 'exchange' | 'refresh';

/** What the sentences may name: nothing here is secret. */
export interface ErrorContext {
  readonly issuer?: string;
  readonly clientId?: string;
  readonly roleArn?: string;
  readonly region?: string;
  readonly redirectPort?: number;
  readonly sessionDuration?: number;
  /** STS endpoint actually used. */
  readonly stsEndpoint?: string;
  /** The endpoint of the service asked (Bedrock, CloudWatch, the quota API). */
  readonly endpoint?: string;
  /** Seconds each request may wait for an answer. */
  readonly requestTimeout?: number;
  /** Seconds all of STS's (or Cognito's) attempts may take together. */
  readonly stsDeadline?: number;
  /** The Cognito identity pool, and its name for the identity provider. */
  readonly identityPoolId?: string;
  readonly loginKey?: string;
  /** IAM Identity Center: the access portal, and the account and permission set. */
  readonly startUrl?: string;
  readonly accountId?: string;
  readonly roleName?: string;
  readonly step?: OidcStep;
  /** When the caller tries again (throttling), in milliseconds. */
  readonly retryInMs?: number;
}

/** The error's fields the table is keyed by. */
export interface Detail {
  /** openid-client's code, or the AWS error code without the SDK's "Exception" suffix. */
  readonly code: string | undefined;
  /** The error as the service named it, for the sentence: ThrottlingException, invalid_scope… */
  readonly name: string;
  /** OAuth's `error` and `error_description`. */
  readonly oauthError: string | undefined;
  readonly description: string;
  readonly status: number | undefined;
  readonly reach: Unreachable | undefined;
}

export type Entry = (ctx: ErrorContext, d: Detail, error: unknown) => Failure | undefined;


/** `text` with its first letter a capital: a clause made the start of a sentence. */
export const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** " (ECONNREFUSED)" for a network failure, " (no answer within N s)" for a timeout. */
export const within = (d: Detail, seconds: number | undefined) => (d.reach?.kind === 'network' ? ` (${d.reach.code})` : ` (no answer within ${seconds} s)`);

/**
 * A failure worth trying again later (a transient kind): `sentence` is what a sign-in says;
 * `what` is what happened in a few words, without advice, which a renewal puts in a sentence of
 * its own (the session is still good and renewal tries again by itself: renewal.ts).
 */
export function passing(kind: FailureKind, sentence: string, what: string, actions: readonly Action[], options: { readonly cause?: unknown; readonly code?: string } = {}): Failure {
  return new Failure(kind, sentence, actions, { ...options, what });
}

/** A sign-in service that did not answer: where it was asked, and how long it was given. */
export function unreachableAt(kind: FailureKind, service: string, where: (ctx: ErrorContext) => string | undefined, seconds: (ctx: ErrorContext) => number | undefined): Entry {
  return (ctx, d, cause) => {
    const what = `could not reach ${service} at ${where(ctx)}${d.reach ? within(d, seconds(ctx)) : ''}`;
    return passing(kind, `${capitalized(what)}. Check your network, proxy or VPN connection, then sign in again.`, what, [SIGN_IN, SHOW_LOG], { cause });
  };
}

/** The error codes AWS services throttle with. */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequests', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);

/** What a service's error answer was, in a few words: throttling, a server error, or another error. */
export function answered(service: string, d: Detail): string {
  const said = d.code ?? (d.status ? `HTTP ${d.status}` : d.name);
  if (d.code && THROTTLING.has(d.code)) return `${service} is throttling requests (${said})`;
  if (d.status !== undefined && d.status >= 500) return `${service} had an error of its own (${said})`;
  return `${service} answered with an error (${said})`;
}

/** A sign-in service that refused with an error the table has no sentence of its own for. */
export function refusedBy(kind: FailureKind, service: string, options: { readonly code?: boolean } = {}): Entry {
  return (_, d, cause) =>
    passing(kind, `${service} refused the sign-in (${d.code ?? `HTTP ${d.status}`}). Try again in a moment; if it keeps happening, show the log to your platform team.`, answered(service, d), [SIGN_IN, SHOW_LOG], {
      cause,
      ...(options.code === false ? {} : { code: d.name }),
    });
}

/**
 * A sign-in service whose answer arrived (HTTP 2xx) but could not be read: cut off, not its
 * format, or without the credentials it should hold. Not a refusal.
 */
export function unreadableAt(kind: FailureKind, service: string, where: (ctx: ErrorContext) => string | undefined): Entry {
  return (ctx, _, cause) => {
    const what = `${service} at ${where(ctx)} gave an answer this extension cannot read`;
    return passing(kind, `${what}. Try again in a moment; if it keeps happening, show the log to your platform team.`, what, [SIGN_IN, SHOW_LOG], { cause });
  };
}
