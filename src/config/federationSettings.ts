// The settings that choose how a sign-in becomes AWS credentials beyond direct federation: a
// Cognito identity pool, or IAM Identity Center. Part of the settings table (settings.ts).
import { REGION } from './patterns';
import { matching, oneOf, url, words, define } from './setting';

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

