// The outside world the extension talks to, started together: the IdP and the AWS emulator,
// with the emulator's IAM set up the way a platform team sets it up for the IdP.
import { startEmulator, type Emulator } from './aws/emulator';
import type { SsoUser } from './aws/sso';
import { ACCOUNT_ID } from './aws/sts';
import { startIdp, type Idp } from './idp';

export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/ClaudeCodeBedrock`;
/** Exists, but its trust policy names another identity provider. */
export const UNTRUSTED_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/OtherTeamRole`;
/** Trusts the IdP but allows only one-hour sessions. */
export const SHORT_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/OneHourRole`;
export const REGION = 'us-east-1';
/** The Cognito identity pool in front of the IdP (the guidance's other federation mode); its authenticated role is ROLE_ARN. */
export const POOL_ID = 'us-east-1:4d1e8c52-7f0b-4b4c-9a3e-2f6a1c0b9d7e';
/** The IAM Identity Center instance: its start URL, and users with accounts and permission sets. */
export const SSO_START_URL = 'https://d-9067a1b2c3.awsapps.com/start';
export const SSO_ACCOUNT = '123456789012';
export const SSO_ROLE = 'ClaudeCodeBedrock';
export const SSO_USERS: SsoUser[] = [
  { userName: 'alice@example.com', accounts: { [SSO_ACCOUNT]: { name: 'Claude Code', roles: [SSO_ROLE, 'ReadOnly'] }, '210987654321': { name: 'Sandbox', roles: [SSO_ROLE] } } },
  { userName: 'solo@example.com', accounts: { [SSO_ACCOUNT]: { name: 'Claude Code', roles: [SSO_ROLE] } } },
  { userName: 'nobody@example.com', accounts: {} },
  // The sandbox's demo user (the usage seeded for demo@example.com is theirs).
  { userName: 'demo@example.com', accounts: { [SSO_ACCOUNT]: { name: 'Claude Code', roles: [SSO_ROLE] } } },
];
/** The session name of the developer's own AWS keys (a profile in their files): theirs, not issued to the extension. */
export const OWN_SESSION = 'developer-own';

export interface World {
  readonly idp: Idp;
  readonly aws: Emulator;
  close(): Promise<void>;
}

export async function startWorld(ports: { idp?: number; aws?: number } = {}): Promise<World> {
  const idp = await startIdp({ port: ports.idp });
  const aws = await startEmulator(
    {
      providers: [{ issuer: idp.issuer, audiences: [idp.clientId] }],
      roles: [
        { arn: ROLE_ARN, trustedIssuers: [idp.issuer], maxSessionDuration: 43200 },
        { arn: UNTRUSTED_ROLE_ARN, trustedIssuers: ['https://login.example.org/other/'], maxSessionDuration: 43200 },
        { arn: SHORT_ROLE_ARN, trustedIssuers: [idp.issuer], maxSessionDuration: 3600 },
      ],
      sso: [{ startUrl: SSO_START_URL, region: REGION, users: SSO_USERS }],
      pools: [{ id: POOL_ID, providers: { [idp.issuer.replace(/^https?:\/\//, '')]: { issuer: idp.issuer, clientIds: [idp.clientId] } }, authenticatedRoleArn: ROLE_ARN }],
    },
    { port: ports.aws },
  );
  return {
    idp,
    aws,
    close: async () => {
      await Promise.all([idp.close(), aws.close()]);
    },
  };
}

/** The settings that point the extension at this world (what a platform team would bake in). */
export function settingsFor(world: World, redirectPort: number): Record<string, unknown> {
  return {
    'claudeBedrock.issuer': world.idp.issuer,
    'claudeBedrock.clientId': world.idp.clientId,
    'claudeBedrock.roleArn': ROLE_ARN,
    'claudeBedrock.region': REGION,
    'claudeBedrock.stsEndpoint': world.aws.endpoint,
    'claudeBedrock.bedrockEndpoint': world.aws.endpoint,
    'claudeBedrock.bedrockControlEndpoint': world.aws.endpoint,
    'claudeBedrock.cloudWatchEndpoint': world.aws.endpoint,
    'claudeBedrock.cognitoEndpoint': world.aws.endpoint,
    'claudeBedrock.identityPoolId': POOL_ID,
    'claudeBedrock.ssoStartUrl': SSO_START_URL,
    'claudeBedrock.ssoOidcEndpoint': world.aws.endpoint,
    'claudeBedrock.ssoPortalEndpoint': world.aws.endpoint,
    'claudeBedrock.redirectPort': redirectPort,
  };
}
