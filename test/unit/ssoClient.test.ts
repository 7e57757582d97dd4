// The extension's Identity Center client (src/aws/sso.ts) against the emulator: registration,
// the PKCE authorization URL and code exchange, refresh, the device code, every account with its
// permission sets, and role keys.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { authorizationUrl, createToken, getRoleCredentials, listAccountsAndRoles, logout, registerClient, startDeviceAuthorization, type SsoTarget } from '../../src/aws/sso';
import { startEmulator, type Emulator } from '../support/aws/emulator';
import { REGION, SSO_ACCOUNT, SSO_ROLE, SSO_START_URL, SSO_USERS } from '../support/world';

describe("the extension's IAM Identity Center client", () => {
  let aws: Emulator;
  let target: SsoTarget;
  const redirectUri = 'http://127.0.0.1:45124/oauth/callback';

  before(async () => {
    aws = await startEmulator({ providers: [], roles: [], sso: [{ startUrl: SSO_START_URL, region: REGION, users: SSO_USERS }] });
    target = { region: REGION, endpoint: aws.endpoint, timeoutMs: 5_000 };
  });

  after(() => aws.close());
  beforeEach(() => aws.reset());

  it('signs in with PKCE, lists every account and permission set, gets role keys, refreshes, and logs out', async () => {
    const registration = await registerClient(target, { clientName: 'Claude Code on Amazon Bedrock', startUrl: SSO_START_URL, redirectUri });
    assert.ok(registration.expiresAt > Date.now() + 80 * 86_400_000, 'registrations last about 90 days');
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(authorizationUrl(target, registration, 'state-1', createHash('sha256').update(verifier).digest('base64url')));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('scopes'), 'sso:account:access');
    aws.sso.queueLogin({ action: 'login', user: 'alice@example.com' });
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    const tokens = await createToken(target, registration, { grantType: 'authorization_code', code: back.searchParams.get('code')!, codeVerifier: verifier }, Date.now());
    assert.ok(tokens.expiresAt > Date.now() + 7 * 3600_000 && tokens.refreshToken);

    const choices = await listAccountsAndRoles(target, tokens.accessToken);
    assert.deepEqual(
      choices.map((c) => [c.accountId, c.accountName, c.roles]),
      [
        [SSO_ACCOUNT, 'Claude Code', [SSO_ROLE, 'ReadOnly']],
        ['210987654321', 'Sandbox', [SSO_ROLE]],
      ],
    );
    const keys = await getRoleCredentials(target, tokens.accessToken, SSO_ACCOUNT, SSO_ROLE);
    assert.match(keys.accessKeyId, /^ASIA/);
    assert.ok(Date.parse(keys.expiration) > Date.now());

    const renewed = await createToken(target, registration, { grantType: 'refresh_token', refreshToken: tokens.refreshToken! }, Date.now());
    assert.notEqual(renewed.accessToken, tokens.accessToken);
    await logout(target, renewed.accessToken);
  });

  it('gets a token through the device code once the user approves it', async () => {
    const registration = await registerClient(target, { clientName: 'Claude Code on Amazon Bedrock', startUrl: SSO_START_URL });
    assert.equal(registration.redirectUri, undefined);
    const device = await startDeviceAuthorization(target, registration, SSO_START_URL, Date.now());
    assert.match(device.verificationUriComplete, /\/device\?user_code=/);
    const pending = await createToken(target, registration, { grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }, Date.now()).catch((e: Error) => e);
    assert.equal((pending as Error).name, 'AuthorizationPendingException');
    aws.sso.approveDevice(device.userCode, { action: 'login', user: 'solo@example.com' });
    const tokens = await createToken(target, registration, { grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }, Date.now());
    assert.deepEqual((await listAccountsAndRoles(target, tokens.accessToken)).map((c) => c.roles), [[SSO_ROLE]]);
  });
});
