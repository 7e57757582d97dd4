// What Cognito Identity and IAM Identity Center answer, as sentences: the entries of the flows
// beyond direct federation, looked up by explain.ts with the rest of its table. Pure.
import { Failure, SHOW_LOG, SIGN_IN, openSetting } from './failure';
import { passing, refusedBy, unreachableAt, unreadableAt, type Entry } from './entry';
import { refreshRejected } from './signIn';

const ssoForbidden: Entry = (ctx, d, cause) =>
  new Failure(
    'ssoNoAccess',
    `IAM Identity Center does not let you use the permission set ${ctx.roleName} in account ${ctx.accountId} (${d.name}). Sign in again to choose another, or ask your platform team to assign it to you.`,
    [SIGN_IN, openSetting('ssoRoleName')],
    { cause, code: d.name },
  );
const ssoThrottled: Entry = (_, d, cause) =>
  passing('throttled', 'IAM Identity Center is throttling sign-ins (too many at once). Sign in again in a minute.', `IAM Identity Center is throttling requests (${d.name})`, [SIGN_IN], { cause, code: d.name });

/** The entries of the flows beyond direct federation: a Cognito identity pool and IAM Identity Center. */
export const FEDERATION_ENTRIES: Readonly<Record<string, Entry>> = {
  'cognito NotAuthorized': (ctx, d, cause) =>
    new Failure(
      'poolRefused',
      `The Cognito identity pool ${ctx.identityPoolId} did not accept your sign-in (${d.name}). Your platform team must add your identity provider ${ctx.issuer} to the pool as an OpenID Connect provider named ${ctx.loginKey}, with the client ID ${ctx.clientId} (or set claudeBedrock.cognitoLoginKey to the name the pool uses); then sign in again.`,
      [openSetting('cognitoLoginKey'), SHOW_LOG],
      { cause, code: d.name },
    ),
  'cognito ResourceNotFound': (ctx, d, cause) =>
    new Failure(
      'poolNotFound',
      `There is no Cognito identity pool ${ctx.identityPoolId} in ${ctx.region}. Check claudeBedrock.identityPoolId (and claudeBedrock.region) against the pool your platform team set up.`,
      [openSetting('identityPoolId')],
      { cause, code: d.name },
    ),
  'cognito InvalidParameter': (ctx, d, cause) =>
    new Failure('poolNotFound', `Cognito refused the identity pool ID ${ctx.identityPoolId} (${d.name}). Check claudeBedrock.identityPoolId: it looks like us-east-1:0a1b2c3d-….`, [openSetting('identityPoolId')], {
      cause,
      code: d.name,
    }),
  'cognito TooManyRequests': (_, d, cause) =>
    passing('throttled', 'Cognito is throttling sign-ins (too many at once), even after several tries. Sign in again in a minute.', `Cognito Identity is throttling requests (${d.name})`, [SIGN_IN], { cause, code: d.name }),
  'cognito unreachable': unreachableAt('unreachable', 'Cognito Identity', (ctx) => ctx.endpoint, (ctx) => ctx.stsDeadline),
  'cognito SyntaxError': unreadableAt('poolError', 'Cognito Identity', (ctx) => ctx.endpoint),
  'cognito unreadable': unreadableAt('poolError', 'Cognito Identity', (ctx) => ctx.endpoint),
  'cognito *': refusedBy('poolError', 'Cognito Identity'),

  'sso InvalidRequest': (ctx, d, cause) =>
    new Failure('ssoStartUrl', `IAM Identity Center refused the sign-in request (${d.name}): check claudeBedrock.ssoStartUrl (${ctx.startUrl}) and claudeBedrock.ssoRegion (${ctx.region}) against your AWS access portal.`, [openSetting('ssoStartUrl')], {
      cause,
      code: d.name,
    }),
  // At a renewal, a refused token means a new sign-in; at a sign-in, that sign-in failed.
  'sso refresh InvalidGrant': (_, __, cause) => refreshRejected('IAM Identity Center no longer accepts the saved sign-in', cause),
  'sso refresh ExpiredToken': (_, __, cause) => refreshRejected('your IAM Identity Center sign-in has expired', cause),
  'sso refresh Unauthorized': (_, __, cause) => refreshRejected('your IAM Identity Center session has ended or was revoked', cause),
  'sso InvalidGrant': (_, d, cause) =>
    new Failure('codeRejected', `IAM Identity Center did not accept this sign-in (${d.name}): it may have taken too long, or been finished twice. Sign in again.`, [SIGN_IN], { cause, code: d.name }),
  'sso ExpiredToken': (_, d, cause) => new Failure('timeout', `The sign-in at IAM Identity Center expired before it was finished (${d.name}). Sign in again.`, [SIGN_IN], { cause, code: d.name }),
  'sso Unauthorized': (_, d, cause) =>
    passing(
      'ssoError',
      `IAM Identity Center did not accept the new sign-in (${d.name}). Sign in again; if it keeps happening, show the log to your platform team.`,
      `IAM Identity Center did not accept the sign-in (${d.name})`,
      [SIGN_IN, SHOW_LOG],
      { cause, code: d.name },
    ),
  'sso Forbidden': ssoForbidden,
  'sso AccessDenied': ssoForbidden,
  'sso TooManyRequests': ssoThrottled,
  'sso SlowDown': ssoThrottled,
  'sso unreachable': unreachableAt('unreachable', 'IAM Identity Center', (ctx) => ctx.endpoint, (ctx) => ctx.requestTimeout),
  'sso unreadable': unreadableAt('ssoError', 'IAM Identity Center', (ctx) => ctx.endpoint),
  'sso *': refusedBy('ssoError', 'IAM Identity Center'),
};
