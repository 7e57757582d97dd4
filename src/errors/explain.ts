// Every error of the identity provider (openid-client, fetch) and of AWS (the SDK's clients,
// the quota API) becomes a sentence and buttons here, in one table keyed by service and error
// code: "idp OAUTH_JWT_TIMESTAMP_CHECK_FAILED", "sts AccessDenied", "cloudwatch Throttling".
// Codes come from the errors' own fields (code, error, name, Code), never from their messages;
// the one exception is written next to its entry. Pure: unit-tested without VS Code.
import { Failure, SHOW_LOG, SIGN_IN, openSetting } from './failure';
import { awsErrorCode, causeProperty, causeStatus, unreachable } from './codes';
import { capitalized, passing, refusedBy, unreachableAt, unreadableAt, within, type Detail, type Entry, type ErrorContext, type OidcStep } from './entry';
import { FEDERATION_ENTRIES } from './federation';
import { refreshRejected } from './signIn';

export type { ErrorContext, OidcStep } from './entry';

export type Service = 'idp' | 'sts' | 'cognito' | 'sso' | 'bedrock' | 'cloudwatch' | 'quota';

function detail(service: Service, error: unknown): Detail {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; error?: unknown; error_description?: unknown; status?: unknown; $metadata?: { httpStatusCode?: number } };
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const aws = service === 'sts' || service === 'cognito' || service === 'sso' || service === 'bedrock' || service === 'cloudwatch';
  return {
    code: aws ? awsErrorCode(error) : text(e.code),
    name: text(e.name) ?? 'Error',
    oauthError: text(e.error),
    description: text(e.error_description)?.trim().replace(/\.$/, '') ?? '',
    status: e.$metadata?.httpStatusCode ?? causeStatus(error),
    reach: unreachable(error),
  };
}

/** OAuth errors of the refresh grant that mean the saved sign-in can never renew again. */
const DEAD_GRANT = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'access_denied']);

const idp = (ctx: ErrorContext) => `your identity provider at ${ctx.issuer}`;
const described = (d: Detail) => (d.description ? `: ${d.description}` : '');

/** An answer of the refresh grant that means "never" (the grant is dead), not "not now" (a 429 or 5xx never does). */
const deadGrant = (d: Detail) => d.oauthError !== undefined && DEAD_GRANT.has(d.oauthError) && d.status !== 429 && !(d.status !== undefined && d.status >= 500);

const idTokenClaims: Record<string, string> = {
  iss: 'it was issued by a different issuer than claudeBedrock.issuer',
  aud: 'it was issued for a different client than claudeBedrock.clientId',
  azp: 'it was issued for a different client than claudeBedrock.clientId',
  nonce: 'its nonce does not match this sign-in',
};

const bedrockAccessDenied: Entry = (_, d, cause) =>
  new Failure(
    'accessDenied',
    'Your role may not read Bedrock inference profiles (bedrock:ListInferenceProfiles, which Claude Code also calls when it starts), so the model could not be checked. Ask your platform team to allow bedrock:ListInferenceProfiles, bedrock:GetInferenceProfile and bedrock:GetFoundationModelAvailability.',
    [SHOW_LOG],
    { cause, code: d.name },
  );
const bedrockThrottled: Entry = (_, d, cause) =>
  new Failure('throttled', 'Bedrock throttled the check (too many requests at once). It is checked again shortly.', [], { cause, code: d.name });
const bedrockNotFound: Entry = (_, d, cause) => new Failure('notFound', `Bedrock has no such inference profile (${d.name}).`, [], { cause, code: d.name });
const cloudWatchThrottled: Entry = (ctx, d, cause) =>
  new Failure('throttled', `CloudWatch is throttling requests; trying again in ${Math.max(1, Math.round((ctx.retryInMs ?? 0) / 60_000))} min.`, [], { cause, code: d.name });

/** The table. Looked up from the most specific key to the least; an entry may pass (undefined). */
const TABLE: Readonly<Record<string, Entry>> = {
  'idp OAUTH_AUTHORIZATION_RESPONSE_ERROR access_denied': (_, d, cause) =>
    new Failure(
      'denied',
      `Sign-in was declined at your identity provider${described(d)}. If you did not mean to decline, sign in again; if access is refused, ask your platform team to give you access to the app.`,
      [SIGN_IN],
      { cause },
    ),
  'idp OAUTH_AUTHORIZATION_RESPONSE_ERROR': (_, d, cause) =>
    new Failure(
      'idpRefused',
      `Your identity provider refused the sign-in request (${d.oauthError}${described(d)}). Check that claudeBedrock.clientId and claudeBedrock.scopes match the app your platform team registered.`,
      [openSetting('clientId'), SHOW_LOG],
      { cause },
    ),
  'idp refresh OAUTH_RESPONSE_BODY_ERROR invalid_grant': (_, __, cause) => refreshRejected('your identity provider no longer accepts the saved sign-in', cause),
  // At the code exchange the redirect URI is the one the authorization request used (it is fixed),
  // and an unregistered one never gets this far: invalid_grant means the code is spent or expired.
  'idp OAUTH_RESPONSE_BODY_ERROR invalid_grant': (_, d, cause) =>
    new Failure('codeRejected', `Your identity provider did not accept the sign-in code: it was already used, or it expired before it reached VS Code (invalid_grant${described(d)}). Sign in again.`, [SIGN_IN], {
      cause,
    }),
  // Only an answer that says the grant is dead ends the session; anything else ("not now":
  // temporarily unavailable, a server error, throttled, or a code nobody foresaw) leaves the
  // refresh token for the next try.
  'idp refresh OAUTH_RESPONSE_BODY_ERROR': (ctx, d, cause) =>
    deadGrant(d)
      ? refreshRejected(`your identity provider answered ${d.oauthError}`, cause)
      : passing('idpError', `${capitalized(idp(ctx))} cannot renew sign-ins just now (${d.oauthError ?? `HTTP ${d.status}`}). Sign in again in a few minutes.`, `${idp(ctx)} cannot renew sign-ins just now (${d.oauthError ?? `HTTP ${d.status}`})`, [SIGN_IN, SHOW_LOG], { cause }),
  'idp OAUTH_JWT_TIMESTAMP_CHECK_FAILED': (_, __, cause) =>
    new Failure('idTokenExpired', "Your identity provider returned an ID token that is already expired or not yet valid. Check that this computer's clock is set correctly, then sign in again.", [SIGN_IN], { cause }),
  'idp OAUTH_JWT_CLAIM_COMPARISON_FAILED': (_, __, cause) => {
    const claim = causeProperty(cause, 'claim');
    const reason = (claim && idTokenClaims[claim]) ?? 'a claim does not match';
    return new Failure(
      'idTokenInvalid',
      `Your identity provider returned an ID token that failed validation: ${reason}. Check that claudeBedrock.issuer and claudeBedrock.clientId match the app your platform team registered, then sign in again.`,
      [openSetting('issuer'), SHOW_LOG],
      { cause },
    );
  },
  'idp discovery OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED': (ctx, _, cause) =>
    new Failure('issuerMismatch', `The identity provider at ${ctx.issuer} describes itself with a different issuer URL. Check claudeBedrock.issuer, including whether it ends with a slash.`, [openSetting('issuer'), SHOW_LOG], { cause }),
  'idp unreachable': (ctx, d, cause) => {
    const what = `could not reach ${idp(ctx)}${within(d, ctx.requestTimeout)}`;
    return passing('idpUnreachable', `${capitalized(what)}. Check your network or VPN connection, then sign in again.`, what, [SIGN_IN, SHOW_LOG], { cause });
  },
  // The library's own codes (OAUTH_RESPONSE_IS_NOT_CONFORM, …) say nothing to a user: the
  // sentence names the IdP's error or the HTTP status; the code goes to the log and the report.
  'idp *': (ctx, d, cause) => {
    const said = d.oauthError ?? (d.status ? `HTTP ${d.status}` : undefined);
    const what = `${idp(ctx)} gave an unexpected answer${said ? ` (${said})` : ''}`;
    return passing('idpError', `${capitalized(what)}. Try again in a moment; if it keeps happening, tell your platform team.`, what, [SIGN_IN, SHOW_LOG], { cause, code: d.code ?? d.name });
  },

  'sts InvalidIdentityToken': (ctx, d, cause) =>
    new Failure('stsInvalidToken', `AWS did not accept your sign-in token (${d.code}). Your platform team must register ${ctx.issuer} as an IAM identity provider with the audience ${ctx.clientId}.`, [SHOW_LOG], { cause }),
  'sts IDPRejectedClaim': (ctx, d, cause) => TABLE['sts InvalidIdentityToken'](ctx, d, cause),
  'sts AccessDenied': (ctx, _, cause) =>
    new Failure(
      'stsAccessDenied',
      `AWS did not let you assume the role ${ctx.roleArn}: its trust policy does not allow your identity. Check claudeBedrock.roleArn, or ask your platform team to check the role's trust policy.`,
      [openSetting('roleArn'), SHOW_LOG],
      { cause },
    ),
  'sts ExpiredToken': (_, __, cause) =>
    new Failure('stsExpiredToken', "AWS rejected your sign-in token as expired. Check that this computer's clock is set correctly, then sign in again.", [SIGN_IN], { cause }),
  'sts IDPCommunicationError': (_, d, cause) =>
    passing(
      'stsIdpCommunication',
      'AWS could not reach your identity provider to verify your sign-in (IDPCommunicationError), even after several tries. Sign in again in a few minutes.',
      `AWS STS could not reach your identity provider to verify the sign-in (${d.code})`,
      [SIGN_IN, SHOW_LOG],
      { cause },
    ),
  'sts RegionDisabled': (ctx, _, cause) =>
    new Failure(
      'stsRegionDisabled',
      `AWS STS is not activated in ${ctx.region} for this account. Set claudeBedrock.region to a region your account uses, or ask your platform team to activate STS in ${ctx.region}.`,
      [openSetting('region')],
      { cause },
    ),
  // STS says which parameter it refused only in the message: the one place a message is read.
  'sts ValidationError': (ctx, _, cause) =>
    (cause as { message?: string }).message?.includes('DurationSeconds')
      ? new Failure(
          'stsDuration',
          `The role ${ctx.roleArn} does not allow sessions of ${ctx.sessionDuration} seconds. Lower claudeBedrock.sessionDuration (the role's maximum session duration is set by your platform team).`,
          [openSetting('sessionDuration')],
          { cause },
        )
      : undefined,
  'sts unreachable': unreachableAt('stsUnreachable', 'AWS STS', (ctx) => ctx.stsEndpoint, (ctx) => ctx.stsDeadline),
  'sts unreadable': unreadableAt('stsError', 'AWS STS', (ctx) => ctx.stsEndpoint),
  'sts *': refusedBy('stsError', 'AWS STS', { code: false }),

  ...FEDERATION_ENTRIES,

  'bedrock AccessDenied': bedrockAccessDenied,
  'bedrock Throttling': bedrockThrottled,
  'bedrock TooManyRequests': bedrockThrottled,
  'bedrock ServiceQuotaExceeded': bedrockThrottled,
  'bedrock ResourceNotFound': bedrockNotFound,
  'bedrock Validation': bedrockNotFound,
  'bedrock unreachable': (_, d, cause) => {
    const code = d.reach?.kind === 'network' ? d.reach.code : 'no answer in time';
    return new Failure('unreachable', `Bedrock could not be reached (${code}). Check your network, proxy or VPN connection, then check again.`, [], { cause, code });
  },
  'bedrock *': (_, d, cause) => new Failure('serviceError', `The check failed (${d.name}). Details are in the log.`, [SHOW_LOG], { cause, code: d.name }),

  'cloudwatch AccessDenied': (_, d, cause) =>
    new Failure('accessDenied', 'Your role may not read CloudWatch metrics (cloudwatch:GetMetricData). Ask your platform team to allow it.', [], { cause, code: d.name }),
  'cloudwatch Throttling': cloudWatchThrottled,
  'cloudwatch TooManyRequests': cloudWatchThrottled,
  'cloudwatch RequestLimitExceeded': cloudWatchThrottled,
  'cloudwatch ExpiredToken': (_, d, cause) => new Failure('expiredKeys', 'The AWS credentials had expired; they renew by themselves.', [], { cause, code: d.name }),
  'cloudwatch SyntaxError': (_, d, cause) => new Failure('unreadable', 'CloudWatch answered with something this extension could not read.', [], { cause, code: d.name }),
  'cloudwatch unreachable': (ctx, d, cause) =>
    new Failure(
      'unreachable',
      d.reach?.kind === 'network' ? `CloudWatch at ${ctx.endpoint} could not be reached (${d.reach.code}).` : `CloudWatch at ${ctx.endpoint} did not answer within ${ctx.requestTimeout} s.`,
      [],
      { cause },
    ),
  'cloudwatch *': (_, d, cause) => new Failure('serviceError', `CloudWatch answered ${d.name === 'Error' ? 'with an error' : d.name}.`, [], { cause, code: d.name }),

  'quota QUOTA_REJECTED': (_, d, cause) => new Failure('rejected', 'The quota service did not accept your sign-in.', [], { cause, code: `HTTP ${d.status}` }),
  'quota QUOTA_HTTP': (_, d, cause) => new Failure('serviceError', `The quota service answered HTTP ${d.status}.`, [], { cause, code: `HTTP ${d.status}` }),
  'quota QUOTA_NOT_JSON': (_, __, cause) => new Failure('unreadable', 'The quota service answered with something that is not JSON.', [], { cause }),
  'quota QUOTA_SHAPE': (_, __, cause) => new Failure('unreadable', 'The quota service answered in a shape this extension does not know.', [], { cause }),
  'quota QUOTA_NOT_NUMBERS': (_, __, cause) => new Failure('unreadable', 'The quota service answered with figures that are not numbers.', [], { cause }),
  'quota QUOTA_NO_TOKEN': (_, __, cause) => new Failure('rejected', 'Your sign-in could not be renewed for the quota service.', [], { cause }),
  'quota unreachable': (ctx, d, cause) => new Failure('unreachable', `The quota service at ${ctx.endpoint} could not be reached${within(d, ctx.requestTimeout)}.`, [], { cause }),
  'quota *': (_, d, cause) => new Failure('serviceError', `The quota service failed (${d.code ?? d.name}).`, [], { cause }),
};

/** The keys an error is looked up by, most specific first. */
function keys(service: Service, ctx: ErrorContext, d: Detail): string[] {
  const step = ctx.step ? `${service} ${ctx.step}` : undefined;
  const specific = [
    ...(d.code && d.oauthError ? [step && `${step} ${d.code} ${d.oauthError}`, `${service} ${d.code} ${d.oauthError}`] : []),
    ...(d.code ? [step && `${step} ${d.code}`, `${service} ${d.code}`] : []),
    `${service} ${d.name}`,
  ];
  // An AWS answer without an HTTP status never arrived; one with a 2xx status and an error could not be read.
  const cameBack = d.reach === undefined && ((service !== 'sts' && service !== 'cognito' && service !== 'sso') || d.status !== undefined);
  const unreadable = d.status !== undefined && d.status >= 200 && d.status < 300 ? [`${service} unreadable`] : [];
  return [...specific, ...(cameBack ? [] : [`${service} unreachable`]), ...unreadable, step && `${step} *`, `${service} *`].filter((k): k is string => Boolean(k));
}

/** What `error`, from `service`, means to the user. */
export function explain(service: Service, error: unknown, ctx: ErrorContext = {}): Failure {
  if (error instanceof Failure) return error;
  const d = detail(service, error);
  for (const key of keys(service, ctx, d)) {
    const failure = TABLE[key]?.(ctx, d, error);
    if (failure) return failure;
  }
  return new Failure('unexpected', 'Sign-in failed unexpectedly. Show the log for details, then sign in again.', [SIGN_IN, SHOW_LOG], { cause: error });
}

/** An openid-client (or fetch) error at `step` of talking to the IdP. */
export function oidcFailure(error: unknown, step: OidcStep, ctx: ErrorContext): Failure {
  return explain('idp', error, { ...ctx, step });
}

/** A Cognito Identity error (GetId, GetCredentialsForIdentity). */
export function cognitoFailure(error: unknown, ctx: ErrorContext): Failure {
  return explain('cognito', error, ctx);
}

/** An IAM Identity Center error (SSO OIDC, the access portal). */
export function ssoFailure(error: unknown, ctx: ErrorContext): Failure {
  return explain('sso', error, ctx);
}

/** An STS AssumeRoleWithWebIdentity error. */
export function stsFailure(error: unknown, ctx: ErrorContext): Failure {
  return explain('sts', error, ctx);
}
