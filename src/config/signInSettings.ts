// The settings that decide where a sign-in goes and how it becomes AWS credentials: the identity
// provider, the role, STS, and the flows beyond direct federation (a Cognito identity pool, IAM
// Identity Center). Part of the table in settings.ts.
import { REGION } from './patterns';
import { define, including, matching, oneOf, url, wholeNumber, words } from './rules';

export const issuer = define('issuer', url({ required: 'Your platform team provides the issuer URL of your identity provider.' }), {
  order: 1,
  affects: ['signIn'],
  description:
    'OpenID Connect issuer URL of your identity provider, exactly as it publishes it (Auth0 ends with `/`, Entra ID ends with `/v2.0`). Usually set by your platform team.',
});
export const clientId = define('clientId', words('', { required: 'Your platform team provides the client ID registered at your identity provider.' }), {
  order: 2,
  affects: ['signIn'],
  description: 'Client ID of the app registered at your identity provider (a public client with PKCE). Usually set by your platform team.',
});
export const scopes = define('scopes', including('openid', 'openid email profile offline_access', 'space-separated OAuth scopes that include openid'), {
  order: 3,
  affects: ['signIn'],
  description: 'Space-separated OAuth scopes requested at sign-in. `openid` is required; `offline_access` lets the session renew without the browser.',
});
export const roleArn = define(
  'roleArn',
  matching({
    pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$',
    example: 'an IAM role ARN like arn:aws:iam::123456789012:role/Name',
    fallback: '',
    required: 'Your platform team provides the ARN of the IAM role to assume.',
  }),
  { order: 4, affects: ['signIn'], description: 'ARN of the IAM role assumed with `AssumeRoleWithWebIdentity`, e.g. `arn:aws:iam::123456789012:role/ClaudeCodeBedrock`.' },
);
export const region = define('region', matching({ ...REGION, fallback: 'us-east-1' }), {
  order: 5,
  affects: ['signIn', 'terminals', 'models', 'usage'],
  description: 'AWS region for STS and Amazon Bedrock.',
});
export const redirectPort = define('redirectPort', wholeNumber(8400, 1024, 65535), {
  order: 6,
  affects: ['signIn'],
  description: 'Port of the sign-in redirect URI `http://127.0.0.1:<port>/callback`. It must match the redirect URI registered at your identity provider.',
});
export const sessionDuration = define('sessionDuration', wholeNumber(3600, 900, 43200), {
  order: 7,
  affects: ['signIn'],
  description:
    "Lifetime of the AWS credentials in seconds (900 to 43200); they renew automatically before they expire. The role's maximum session duration must allow it.",
});
export const stsEndpoint = define('stsEndpoint', url(), {
  order: 8,
  affects: ['signIn'],
  description: 'Optional STS endpoint URL, for a VPC interface endpoint. Empty uses `https://sts.<region>.amazonaws.com`.',
});
export const signInTimeout = define('signInTimeout', wholeNumber(300, 1, 3600), {
  order: 9,
  affects: ['signIn'],
  description: 'How long, in seconds, a sign-in waits for the browser to come back.',
});
export const requestTimeout = define('requestTimeout', wholeNumber(15, 1, 120), {
  order: 10,
  affects: ['signIn', 'models', 'usage'],
  description:
    'How long, in seconds, to wait for an answer from your identity provider or AWS (STS, Bedrock, CloudWatch, the quota API) before giving up. A sign-in gives STS twice this in all, retries included.',
});

// How a sign-in becomes AWS credentials beyond direct federation: a Cognito identity pool, or
// IAM Identity Center.
export const federation = define('federation', oneOf(['direct', 'cognitoIdentityPool', 'identityCenter']), {
  order: 11,
  affects: ['signIn'],
  description: 'How you sign in and get AWS credentials. Usually set by your platform team.',
  enumDescriptions: [
    'Your identity provider, then STS `AssumeRoleWithWebIdentity` with `claudeBedrock.roleArn` (the AWS guidance\'s recommended mode).',
    "Your identity provider, then a Cognito identity pool (`claudeBedrock.identityPoolId`) that trusts it and hands out its authenticated role's credentials.",
    'IAM Identity Center (`claudeBedrock.ssoStartUrl`): an account and permission set of yours.',
  ],
});
export const ssoStartUrl = define('ssoStartUrl', url(), {
  order: 15,
  affects: ['signIn'],
  description: 'The AWS access portal URL of your IAM Identity Center, e.g. `https://d-1234567890.awsapps.com/start`, when `claudeBedrock.federation` is `identityCenter`.',
});
export const ssoRegion = define('ssoRegion', matching({ ...REGION, fallback: '', optional: true }), {
  order: 16,
  affects: ['signIn'],
  description: 'The region of your IAM Identity Center instance. Empty: `claudeBedrock.region`.',
});
export const ssoAccountId = define('ssoAccountId', matching({ pattern: '^[0-9]{12}$', example: 'a 12-digit AWS account ID', fallback: '', optional: true }), {
  order: 17,
  affects: ['signIn'],
  description: 'The AWS account to use through IAM Identity Center. Empty: you choose from your accounts once, at your first sign-in.',
});
export const ssoRoleName = define('ssoRoleName', words(''), {
  order: 18,
  affects: ['signIn'],
  description: 'The permission set (role) to use in that account. Empty: you choose from yours once, at your first sign-in.',
});
export const ssoOidcEndpoint = define('ssoOidcEndpoint', url(), {
  order: 19,
  affects: ['signIn'],
  description: 'IAM Identity Center OIDC endpoint, for a VPC interface endpoint. Empty: `https://oidc.<ssoRegion>.amazonaws.com`.',
});
export const ssoPortalEndpoint = define('ssoPortalEndpoint', url(), {
  order: 19.5,
  affects: ['signIn'],
  description: 'AWS access portal API endpoint, for a VPC interface endpoint. Empty: `https://portal.sso.<ssoRegion>.amazonaws.com`.',
});
export const ssoSignInMethod = define('ssoSignInMethod', oneOf(['auto', 'browser', 'deviceCode']), {
  order: 19.7,
  affects: ['signIn'],
  description: 'How you sign in to IAM Identity Center.',
  enumDescriptions: [
    "The browser comes back to VS Code on this computer's loopback port; a code to enter instead when this window's browser cannot reach that port (a tunnel or a remote host by name).",
    'Always the browser, back to the loopback port (as `aws sso login` does).',
    'Always a code shown in VS Code, entered in any browser (as `aws sso login --use-device-code` does): for remote windows whose browser cannot reach this machine.',
  ],
});
export const identityPoolId = define(
  'identityPoolId',
  matching({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9a-f-]{36}$', example: 'a Cognito identity pool ID like us-east-1:0a1b2c3d-…', fallback: '', optional: true }),
  { order: 12, affects: ['signIn'], description: 'Cognito identity pool ID, e.g. `us-east-1:0a1b2c3d-4e5f-6789-abcd-ef0123456789`, when `claudeBedrock.federation` is `cognitoIdentityPool`.' },
);
export const cognitoLoginKey = define('cognitoLoginKey', words(''), {
  order: 13,
  affects: ['signIn'],
  description:
    "The identity pool's name for your identity provider (the key of `Logins`). Empty: the issuer without `https://`, as the ID token's `iss` writes it (what a Cognito user pool needs, e.g. `cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC`).",
});
export const cognitoEndpoint = define('cognitoEndpoint', url(), {
  order: 14,
  affects: ['signIn'],
  description: 'Cognito Identity endpoint URL, for a VPC interface endpoint. Empty: `https://cognito-identity.<region>.amazonaws.com`.',
});
