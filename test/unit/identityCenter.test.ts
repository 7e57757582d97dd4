// The IAM Identity Center flow against the emulator's SSO OIDC, SSO portal and STS, with the
// AWS SDK's own clients (src/aws/sso.ts) and a browser that follows the authorization endpoint's
// redirect to the loopback callback: registration kept and reused, the account and permission
// set chosen once, renewal by access token and by refresh token, and each failure in words.
import * as assert from 'node:assert/strict';
import { IdentityCenterFlow, type RoleChoice } from '../../src/auth/flows/identityCenter';
import type { Proof } from '../../src/auth/flows/flow';
import type { Session } from '../../src/auth/session';
import { apiRegion, signedGetHeaders } from '../../src/aws/sign';
import * as sso from '../../src/aws/sso';
import * as sts from '../../src/aws/sts';
import { checkIdentityCenterSettings } from '../../src/config/groups';
import { ssoFailure } from '../../src/errors/explain';
import { Failure } from '../../src/errors/failure';
import { fetchQuotaWith } from '../../src/quota/answer';
import { Log } from '../../src/log';
import { systemClock } from '../../src/util/clock';
import { startEmulator, type Emulator } from '../support/aws/emulator';
import { browse } from '../support/robotBrowser';
import { REGION, SSO_ACCOUNT, SSO_ROLE, SSO_START_URL, SSO_USERS } from '../support/world';
import { FakeLogChannel } from './fakes/editor';
import { freePort } from './sessionWorld';

describe('the IAM Identity Center flow', () => {
  let aws: Emulator;
  let settings: Record<string, unknown>;
  let registrations: Map<string, sso.Registration>;
  let remembered: Map<string, RoleChoice>;
  let offered: (readonly sso.AccountChoice[])[];
  let pick: RoleChoice | undefined;
  let admitted: Proof[];

  before(async () => {
    aws = await startEmulator({ providers: [], roles: [], sso: [{ startUrl: SSO_START_URL, region: REGION, users: SSO_USERS }] });
  });
  after(() => aws.close());

  beforeEach(async () => {
    aws.reset();
    settings = { federation: 'identityCenter', ssoStartUrl: SSO_START_URL, region: REGION, redirectPort: await freePort(), ssoOidcEndpoint: aws.endpoint, ssoPortalEndpoint: aws.endpoint, stsEndpoint: aws.endpoint };
    registrations = new Map();
    remembered = new Map();
    offered = [];
    pick = { accountId: SSO_ACCOUNT, roleName: SSO_ROLE };
    admitted = [];
  });

  function flow(): IdentityCenterFlow {
    return new IdentityCenterFlow({
      settings: () => checkIdentityCenterSettings(settings),
      chosen: () => true,
      sso: () => sso,
      sts: () => sts,
      registrations: { get: async (u) => registrations.get(u), set: async (u, r) => void registrations.set(u, r) },
      remembered: { get: (u) => remembered.get(u), set: async (u, c) => void remembered.set(u, c), clear: async () => remembered.clear() },
      choose: async (choices) => {
        offered.push(choices);
        return pick;
      },
      browser: { open: async (url) => (void browse(url), true), reachable: async (uri) => uri, cannotOpen: () => undefined },
      renderPage: () => (page) => `${page.title}: ${page.message}`,
      log: new Log(new FakeLogChannel().asChannel()),
      clock: systemClock,
    });
  }

  const run = () => ({ signal: new AbortController().signal, progress: () => undefined, admit: async (proof: Proof) => void admitted.push(proof) });

  async function signIn(user: string, f = flow()): Promise<Session> {
    aws.sso.queueLogin({ action: 'login', user });
    return f.signIn(run());
  }

  it('signs in, asks for the account and role once, and keys its STS knows come back as the user', async () => {
    const session = await signIn('alice@example.com');
    assert.equal(session.flow, 'identityCenter');
    assert.equal(session.identity.email, 'alice@example.com');
    assert.match(session.assumedRoleArn, /AWSReservedSSO_ClaudeCodeBedrock_[0-9a-f]+\/alice@example\.com$/);
    assert.deepEqual(session.sso && { accountId: session.sso.accountId, roleName: session.sso.roleName }, { accountId: SSO_ACCOUNT, roleName: SSO_ROLE });
    assert.ok(session.refreshToken && session.sso?.accessToken);
    assert.equal(offered.length, 1, 'two accounts: the user was asked');
    assert.deepEqual(admitted.map((p) => p.subject), ['alice@example.com'], 'the quota gate passed before the session');
    // The second sign-in reuses the registration and the choice.
    await signIn('alice@example.com');
    assert.equal(offered.length, 1);
    assert.equal(aws.calls.filter((c) => c.action === 'RegisterClient').length, 1);
    assert.equal(registrations.size, 1);
    // Signed out: the next sign-in (perhaps someone else's) asks again.
    const f = flow();
    f.forget();
    await signIn('alice@example.com', f);
    assert.equal(offered.length, 2);
  });

  it('takes a lone account and role without asking, and the settings\' choice as given', async () => {
    await signIn('solo@example.com');
    assert.equal(offered.length, 0);
    settings = { ...settings, ssoAccountId: '210987654321', ssoRoleName: SSO_ROLE };
    const session = await signIn('alice@example.com');
    assert.equal(session.sso?.accountId, '210987654321');
    assert.equal(offered.length, 0);
  });

  it('renews with the access token while it lasts, and with the rotated refresh token after', async () => {
    const f = flow();
    const first = await signIn('alice@example.com', f);
    const kept: Session[] = [];
    const renewed = await f.renew(first, async (s) => void kept.push(s), async () => undefined);
    assert.notEqual(renewed.credentials.accessKeyId, first.credentials.accessKeyId);
    assert.equal(renewed.sso?.accessToken, first.sso?.accessToken, 'the access token still lasts');
    const stale = { ...renewed, sso: { ...renewed.sso!, accessTokenExpiresAt: Date.now() } };
    const again = await f.renew(stale, async (s) => void kept.push(s), async () => undefined);
    assert.notEqual(again.sso?.accessToken, first.sso?.accessToken);
    assert.notEqual(again.refreshToken, first.refreshToken);
    assert.equal(kept.length, 1, 'the rotated refresh token is kept before anything else can fail');
    // An administrator ends the sessions: back to the browser, once.
    aws.sso.revokeAll();
    const refused = await f.renew({ ...again, sso: { ...again.sso!, accessTokenExpiresAt: Date.now() } }, async () => undefined, async () => undefined).catch((e: unknown) => e);
    assert.ok(refused instanceof Failure && refused.kind === 'refreshRejected', String(refused));
  });

  it('registers again, without a word, when the saved registration has expired', async () => {
    await signIn('solo@example.com');
    const [registration] = registrations.values();
    registrations.set(SSO_START_URL, { ...registration, expiresAt: Date.now() - 1000 });
    await signIn('solo@example.com');
    assert.equal(aws.calls.filter((c) => c.action === 'RegisterClient').length, 2);
  });

  it('says so in words: no account for the user, an unknown start URL, Identity Center down', async () => {
    const none = await signIn('nobody@example.com').catch((e: unknown) => e);
    assert.ok(none instanceof Failure && none.kind === 'ssoNoAccess');
    assert.match(none.message, /^IAM Identity Center gives you no AWS account and permission set\. Ask your platform team to assign you one/);

    aws.addFaults([{ service: 'sso-oauth', action: 'RegisterClient', kind: 'error', status: 400, code: 'InvalidRequestException', times: 1 }]);
    registrations.clear();
    const bad = await signIn('alice@example.com').catch((e: unknown) => e);
    assert.ok(bad instanceof Failure && bad.kind === 'ssoStartUrl', String(bad));
    assert.match(bad.message, /check claudeBedrock\.ssoStartUrl \(https:\/\/d-9067a1b2c3\.awsapps\.com\/start\)/);

    aws.addFaults([{ service: 'awsssoportal', action: 'GetRoleCredentials', kind: 'server', times: 10 }]);
    const down = await signIn('solo@example.com').catch((e: unknown) => e);
    assert.ok(down instanceof Failure && down.kind === 'ssoError' && down.transient, String(down));
  });

  it("asks the quota API with a SigV4 signature of the user's keys (execute-api), as the guidance does without an ID token", async () => {
    const session = await signIn('solo@example.com');
    const url = `${aws.endpoint}/quota/check`;
    assert.equal(apiRegion(url, REGION), REGION);
    assert.equal(apiRegion('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/check', REGION), 'eu-west-1');
    aws.quota.policies['solo@example.com'] = { monthly_limit: 10, daily_limit: 10, blocked: 'monthly_exceeded' };
    const answer = await fetchQuotaWith(url, await signedGetHeaders(url, session.credentials, REGION, 'execute-api'), 5_000);
    assert.deepEqual([answer.allowed, answer.reason], [false, 'monthly_exceeded']);
    const forged = await fetchQuotaWith(url, await signedGetHeaders(url, { ...session.credentials, secretAccessKey: 'not-the-secret' }, REGION, 'execute-api'), 5_000).catch((e: Error) => e);
    assert.equal((forged as { code?: string }).code, 'QUOTA_REJECTED');
  });

  it('tells a refused sign-in from a renewal that needs one', () => {
    const invalidGrant = Object.assign(new Error('Invalid grant'), { name: 'InvalidGrantException', error: 'invalid_grant', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    const atSignIn = ssoFailure(invalidGrant, { startUrl: SSO_START_URL });
    assert.equal(atSignIn.kind, 'codeRejected');
    assert.match(atSignIn.message, /^IAM Identity Center did not accept this sign-in \(InvalidGrantException\)/);
    const atRenewal = ssoFailure(invalidGrant, { startUrl: SSO_START_URL, step: 'refresh' });
    assert.equal(atRenewal.kind, 'refreshRejected');
    assert.match(atRenewal.message, /^Your Claude Bedrock session could not be renewed \(IAM Identity Center no longer accepts the saved sign-in\)\. Sign in again/);
  });
});
