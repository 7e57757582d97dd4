// The emulator's IAM Identity Center, driven by the AWS SDK's own SSO OIDC and SSO clients (what
// the extension's Identity Center flow and the AWS CLI use): a public client registered, the
// authorization code with PKCE checked, refresh tokens rotated, the device code pending until
// approved, accounts and permission sets per user, and role keys its STS knows.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startEmulator, type Emulator } from '../support/aws/emulator';
import { REGION, SSO_ACCOUNT, SSO_ROLE, SSO_START_URL, SSO_USERS } from '../support/world';

const REDIRECT = 'http://127.0.0.1:45123/oauth/callback';

describe("the emulator's IAM Identity Center", () => {
  let aws: Emulator;
  let oidc: SSOOIDCClient;
  let portal: SSOClient;

  before(async () => {
    aws = await startEmulator({ providers: [], roles: [], sso: [{ startUrl: SSO_START_URL, region: REGION, users: SSO_USERS }] });
    oidc = new SSOOIDCClient({ region: REGION, endpoint: aws.endpoint });
    portal = new SSOClient({ region: REGION, endpoint: aws.endpoint });
  });

  after(async () => {
    oidc.destroy();
    portal.destroy();
    await aws.close();
  });

  beforeEach(() => aws.reset());

  async function register() {
    return oidc.send(
      new RegisterClientCommand({ clientName: 'claude-bedrock-test', clientType: 'public', scopes: ['sso:account:access'], redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'], issuerUrl: SSO_START_URL }),
    );
  }

  /** The browser's way through the authorization endpoint, with the login decided beforehand. */
  async function authorize(clientId: string, user: string) {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    aws.sso.queueLogin({ action: 'login', user });
    const url = `${aws.endpoint}/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=st4te&code_challenge=${challenge}&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess`;
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const back = new URL(res.headers.get('location')!);
    assert.equal(back.searchParams.get('state'), 'st4te');
    return { code: back.searchParams.get('code')!, verifier };
  }

  it('signs in with the authorization code and PKCE, lists accounts and roles, and hands out keys its STS knows', async () => {
    const client = await register();
    const { code, verifier } = await authorize(client.clientId!, 'alice@example.com');
    const grant = { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code, redirectUri: REDIRECT };
    const wrong = await oidc.send(new CreateTokenCommand({ ...grant, codeVerifier: 'not-the-verifier' })).catch((e: Error) => e);
    assert.equal((wrong as Error).name, 'InvalidGrantException');
    const again = await authorize(client.clientId!, 'alice@example.com');
    const tokens = await oidc.send(new CreateTokenCommand({ ...grant, code: again.code, codeVerifier: again.verifier }));
    assert.ok(tokens.accessToken && tokens.refreshToken);
    assert.ok(verifier);

    const accounts = await portal.send(new ListAccountsCommand({ accessToken: tokens.accessToken }));
    assert.deepEqual(accounts.accountList?.map((a) => a.accountId).sort(), ['123456789012', '210987654321']);
    const roles = await portal.send(new ListAccountRolesCommand({ accessToken: tokens.accessToken, accountId: SSO_ACCOUNT }));
    assert.deepEqual(roles.roleList?.map((r) => r.roleName), [SSO_ROLE, 'ReadOnly']);
    const keys = (await portal.send(new GetRoleCredentialsCommand({ accessToken: tokens.accessToken, accountId: SSO_ACCOUNT, roleName: SSO_ROLE }))).roleCredentials!;
    assert.ok(keys.expiration! > Date.now());
    const sts = new STSClient({ region: REGION, endpoint: aws.endpoint, credentials: { accessKeyId: keys.accessKeyId!, secretAccessKey: keys.secretAccessKey!, sessionToken: keys.sessionToken! } });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    assert.match(me.Arn ?? '', /assumed-role\/AWSReservedSSO_ClaudeCodeBedrock_[0-9a-f]+\/alice@example\.com$/);

    const refused = await portal.send(new GetRoleCredentialsCommand({ accessToken: tokens.accessToken, accountId: '210987654321', roleName: 'ReadOnly' })).catch((e: Error) => e);
    assert.equal((refused as Error).name, 'ForbiddenException');
    const stranger = await portal.send(new ListAccountsCommand({ accessToken: 'aoa-not-a-token' })).catch((e: Error) => e);
    assert.equal((stranger as Error).name, 'UnauthorizedException');
  });

  it('rotates refresh tokens, refuses a spent one, and refuses an expired registration', async () => {
    const client = await register();
    const { code, verifier } = await authorize(client.clientId!, 'solo@example.com');
    const first = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code, redirectUri: REDIRECT, codeVerifier: verifier }));
    const refresh = { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken: first.refreshToken };
    const second = await oidc.send(new CreateTokenCommand(refresh));
    assert.notEqual(second.refreshToken, first.refreshToken);
    const spent = await oidc.send(new CreateTokenCommand(refresh)).catch((e: Error) => e);
    assert.equal((spent as Error).name, 'InvalidGrantException');
    aws.sso.registrationsExpired = true;
    const expired = await oidc.send(new CreateTokenCommand({ ...refresh, refreshToken: second.refreshToken })).catch((e: Error) => e);
    assert.equal((expired as Error).name, 'InvalidClientException');
  });

  it('keeps a device code pending until the user approves it', async () => {
    const client = await oidc.send(new RegisterClientCommand({ clientName: 'claude-bedrock-test', clientType: 'public', scopes: ['sso:account:access'] }));
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: SSO_START_URL }));
    assert.match(device.verificationUriComplete ?? '', new RegExp(`/device\\?user_code=${device.userCode}$`));
    const poll = () => oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
    assert.equal(((await poll().catch((e: Error) => e)) as Error).name, 'AuthorizationPendingException');
    assert.ok(aws.sso.approveDevice(device.userCode!, { action: 'login', user: 'alice@example.com' }));
    assert.ok((await poll()).accessToken);
    const unknown = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: 'https://d-0000000000.awsapps.com/start' })).catch((e: Error) => e);
    assert.equal((unknown as Error).name, 'InvalidRequestException');
  });

  it('injects faults like the other services: throttling and server errors', async () => {
    aws.addFaults([{ service: 'awsssoportal', action: 'ListAccounts', kind: 'server', times: 5 }]);
    const client = await register();
    const { code, verifier } = await authorize(client.clientId!, 'alice@example.com');
    const tokens = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code, redirectUri: REDIRECT, codeVerifier: verifier }));
    const failed = await new SSOClient({ region: REGION, endpoint: aws.endpoint, maxAttempts: 1 }).send(new ListAccountsCommand({ accessToken: tokens.accessToken })).catch((e: Error) => e);
    assert.equal((failed as Error).name, 'InternalServerException');
  });
});
