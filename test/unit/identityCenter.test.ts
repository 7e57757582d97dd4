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
import { systemClock, type Clock, type Timer } from '../../src/util/clock';
import { startEmulator, type Emulator } from '../support/aws/emulator';
import { browse } from '../support/robotBrowser';
import { REGION, SSO_ACCOUNT, SSO_ROLE, SSO_START_URL, SSO_USERS } from '../support/world';
import { FakeLogChannel } from './fakes/editor';
import { freePort } from './sessionWorld';

/** A clock whose timers fire at once, the time moving on by their delay: polls without waiting. */
function instantClock(): Clock & { readonly waits: number[] } {
  let time = Date.now();
  const waits: number[] = [];
  return {
    waits,
    now: () => time,
    setTimeout: (callback, ms) => {
      waits.push(ms);
      return setImmediate(() => {
        time += ms;
        callback();
      }) as unknown as Timer;
    },
    clearTimeout: (timer) => clearImmediate(timer as unknown as NodeJS.Immediate),
  };
}

describe('the IAM Identity Center flow', () => {
  let aws: Emulator;
  let settings: Record<string, unknown>;
  let registrations: Map<string, sso.Registration>;
  let remembered: Map<string, RoleChoice>;
  let offered: (readonly sso.AccountChoice[])[];
  let pick: RoleChoice | undefined;
  let admitted: Proof[];
  /** What the loopback address is to this window's browser (VS Code's asExternalUri). */
  let reach: (uri: string) => Promise<string>;
  /** Whether the browser goes where it is sent (false: it never comes back). */
  let follows: boolean;
  let presented: string[];
  /** The browser, when a test follows it itself. */
  let opener: ((url: string) => void) | undefined;
  /** What the user does before choosing, when a test says. */
  let beforeChoosing: (() => Promise<void>) | undefined;

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
    reach = async (uri) => uri;
    follows = true;
    presented = [];
    opener = undefined;
    beforeChoosing = undefined;
  });

  function flow(clock: Clock = systemClock): IdentityCenterFlow {
    return new IdentityCenterFlow({
      settings: () => checkIdentityCenterSettings(settings),
      chosen: () => true,
      sso: () => sso,
      sts: () => sts,
      registrations: { get: async (u) => registrations.get(u), set: async (u, r) => void registrations.set(u, r) },
      remembered: { get: (u) => remembered.get(u), set: async (u, c) => void remembered.set(u, c), clear: async () => remembered.clear() },
      choose: async (choices) => {
        offered.push(choices);
        await beforeChoosing?.();
        return pick;
      },
      browser: { open: async (url) => (follows && void (opener ?? browse)(url), true), reachable: (uri) => reach(uri), cannotOpen: () => undefined },
      // The user copies the code and opens the portal's page, where the queued login allows (or declines) it.
      deviceCode: {
        present: async (code, url) => {
          presented.push(code);
          if (follows) await browse(url);
          return code !== 'cancel';
        },
      },
      renderPage: () => (page) => `${page.title}: ${page.message}`,
      log: new Log(new FakeLogChannel().asChannel()),
      clock,
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

  it('answers the browser before asking for the account and role, so a user who takes their time meets no error page', async () => {
    let page: Promise<{ status: number; body: string }> | undefined;
    opener = (url) => {
      page = (async () => {
        // The portal signs the user in and sends the browser back to the loopback port.
        const back = (await fetch(url, { redirect: 'manual' })).headers.get('location');
        const res = await fetch(back ?? '');
        return { status: res.status, body: await res.text() };
      })();
    };
    let shown: { status: number; body: string } | undefined;
    beforeChoosing = async () => {
      shown = await Promise.race([page, new Promise<undefined>((resolve) => setTimeout(resolve, 2_000))]);
    };
    const session = await signIn('alice@example.com');
    assert.equal(offered.length, 1, 'the user was asked');
    assert.deepEqual(shown, {
      status: 200,
      body: 'Signed in: You are signed in to IAM Identity Center. Choose your AWS account and role in VS Code to finish; you can close this tab.',
    });
    assert.equal(session.identity.email, 'alice@example.com');
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

    aws.addFaults([{ service: 'awsssoportal', action: 'GetRoleCredentials', kind: 'error', status: 403, code: 'ForbiddenException', times: 1 }]);
    const forbidden = await signIn('alice@example.com').catch((e: unknown) => e);
    assert.ok(forbidden instanceof Failure && forbidden.kind === 'ssoNoAccess', String(forbidden));
    assert.match(forbidden.message, /does not let you use the permission set ClaudeCodeBedrock in account 123456789012 \(ForbiddenException\)\. Sign in again to choose another/);
    assert.equal(remembered.size, 0, 'the refused choice is not offered again without asking');

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

  it('signs in with a code when set to, or when the browser reaches the loopback only through another host, and renews on it', async () => {
    settings = { ...settings, ssoSignInMethod: 'deviceCode' };
    const f = flow();
    const session = await signIn('solo@example.com', f);
    assert.equal(session.identity.email, 'solo@example.com');
    assert.equal(presented.length, 1);
    assert.match(presented[0], /^[0-9A-F]{4}-[0-9A-F]{4}$/);
    const [registration] = registrations.values();
    assert.equal(registration.redirectUri, undefined, 'registered for the device code');
    const renewed = await f.renew({ ...session, sso: { ...session.sso!, accessTokenExpiresAt: Date.now() } }, async () => undefined, async () => undefined);
    assert.notEqual(renewed.refreshToken, session.refreshToken, "the device registration's refresh token works");

    settings = { ...settings, ssoSignInMethod: 'auto' };
    reach = async (uri) => uri.replace('http://127.0.0.1:', 'https://vscode-7f3a-').replace('/callback', '.app.github.dev/callback');
    await signIn('solo@example.com');
    assert.equal(presented.length, 2, 'a tunnel by name: the code');
    reach = async () => Promise.reject(new Error('no port forwarding here'));
    await signIn('solo@example.com');
    assert.equal(presented.length, 3, 'no forward at all: the code');
    reach = async (uri) => `http://127.0.0.1:34199/proxy/${new URL(uri).port}/callback`;
    await signIn('solo@example.com');
    assert.equal(presented.length, 3, 'a proxy on this computer: the browser');
    assert.equal(registrations.get(SSO_START_URL)?.redirectUri, `http://127.0.0.1:${String(settings.redirectPort)}/callback`);
  });

  it('polls at the pace Identity Center sets, and says so when the code is declined, expires, is not allowed in time or is put aside', async () => {
    settings = { ...settings, ssoSignInMethod: 'deviceCode', signInTimeout: 60 };
    const clock = instantClock();
    aws.addFaults([{ service: 'sso-oauth', action: 'CreateToken', kind: 'error', status: 400, code: 'SlowDownException', times: 1 }]);
    const session = await signIn('solo@example.com', flow(clock));
    assert.equal(session.identity.email, 'solo@example.com');
    assert.ok(clock.waits.includes(6000), `after SlowDown the interval grows by 5 s: ${clock.waits.join(', ')}`);

    aws.sso.queueLogin({ action: 'deny' });
    const declined = await flow(clock).signIn(run()).catch((e: unknown) => e);
    assert.ok(declined instanceof Failure && declined.kind === 'denied', String(declined));
    assert.match(declined.message, /^The request with your code was declined in the AWS access portal, so VS Code is not signed in\. Sign in again and choose Allow there\.$/);

    aws.addFaults([{ service: 'sso-oauth', action: 'CreateToken', kind: 'error', status: 400, code: 'ExpiredTokenException', times: 1 }]);
    const expired = await flow(clock).signIn(run()).catch((e: unknown) => e);
    assert.ok(expired instanceof Failure && expired.kind === 'timeout', String(expired));

    follows = false;
    const late = await flow(clock).signIn(run()).catch((e: unknown) => e);
    assert.ok(late instanceof Failure && late.kind === 'timeout', String(late));
    assert.equal(late.message, 'Sign-in timed out: the request was not allowed within 1 minute. Sign in again and allow the request in your browser.');

    const f = flow(clock);
    const cancelled = await f.signIn(Object.assign(run(), { signal: AbortSignal.abort() })).catch((e: unknown) => e);
    assert.ok(cancelled instanceof Failure && cancelled.kind === 'cancelled', String(cancelled));
  });

  it('offers the code when the browser never comes back to the loopback port, and uses it once when asked', async () => {
    settings = { ...settings, signInTimeout: 60 };
    follows = false;
    // The browser's wait ends at once; after it, time runs as usual.
    const instant = instantClock();
    let fast = true;
    const f = flow({
      now: () => (fast ? instant.now() : Date.now()),
      setTimeout: (callback, ms) => (fast ? instant : systemClock).setTimeout(callback, ms),
      clearTimeout: (timer) => (fast ? instant : systemClock).clearTimeout(timer),
    });
    const timedOut = await f.signIn(run()).catch((e: unknown) => e);
    assert.ok(timedOut instanceof Failure && timedOut.kind === 'timeout', String(timedOut));
    assert.match(timedOut.message, /^Sign-in timed out: the browser did not come back to VS Code within 1 minute\. If its page could not reach VS Code \(a remote window\), sign in with a code instead\.$/);
    assert.deepEqual(timedOut.actions[0], { kind: 'run', command: 'claudeBedrock.signInWithCode', label: 'Sign In with a Code' });
    follows = true;
    fast = false;
    f.useCodeNext();
    await signIn('solo@example.com', f);
    assert.equal(presented.length, 1, 'the code, once');
    await signIn('solo@example.com', f);
    assert.equal(presented.length, 1, 'then the browser again');
  });
});
