// The session, as fast unit tests: signing in, renewal timing, renewal failures, expiry, a
// renewal racing a sign-out, keys on demand, and several windows sharing one sign-in. The
// extension's own classes throughout; fakes only of VS Code's API, the IdP and STS clients, the
// browser, and the clock.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { REFRESH_LEAD_MS, renewalDue } from '../../src/auth/renewal';
import type { Session } from '../../src/auth/session';
import { SESSION_KEY } from '../../src/auth/store';
import { Failure } from '../../src/errors/failure';
import { awsError } from './fakes/clients';
import { FakeSecretStorage } from './fakes/editor';
import { useMachine, type Machine, type Window } from './sessionWorld';
import { until } from './windowsHelpers';

const MINUTE = 60_000;

describe('the session', () => {
  const world = useMachine();
  let m: Machine;
  const window = (options?: Parameters<typeof world.window>[0]) => world.window(options);

  function keyOf(w: Window): string | undefined {
    return w.core.session?.credentials.accessKeyId;
  }

  function stored(w: Window): Session | undefined {
    const raw = w.secrets.values.get(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  }

  beforeEach(() => (m = world.m));

  describe('in one window', () => {
    it('signs in through the browser and keeps the session in SecretStorage and memory only', async () => {
      const w = await window();
      const session = await w.signIn.signIn();
      assert.ok(session);
      assert.deepEqual(w.states, ['signingIn', 'signedIn']);
      assert.equal(m.idp.authorizations, 1);
      assert.equal(m.sts.calls, 1);
      assert.equal(stored(w)?.credentials.accessKeyId, session.credentials.accessKeyId);
      assert.equal(stored(w)?.flow, 'webIdentity');
      assert.match(await w.browser.pages[0], /^Signed in: You are signed in to Claude Code on Amazon Bedrock as alice@example\.com\./);
      assert.deepEqual(w.ui.messages, ['Contacting your identity provider…', 'Finish signing in in your browser…', 'Checking your sign-in…', 'Getting AWS credentials…']);
      assert.ok(w.logLines.every((line) => !line.includes(session.refreshToken!) && !line.includes(session.credentials.secretAccessKey)));
    });

    it('says so, and stores nothing, when the user declines at the identity provider', async () => {
      const w = await window();
      m.idp.next = 'deny';
      assert.equal(await w.signIn.signIn(), undefined);
      assert.equal(w.core.state.kind, 'signedOut');
      assert.equal(w.secrets.values.size, 0);
      assert.match(w.notify.shown[0].message, /^Sign-in was declined at your identity provider/);
    });

    it('renews five minutes before the credentials expire, with the rotated refresh token, and no browser', async () => {
      const w = await window();
      const first = (await w.signIn.signIn())!;
      assert.equal(renewalDue(first, m.clock.now()), Date.parse(first.credentials.expiration) - REFRESH_LEAD_MS);
      await m.clock.advance(54 * MINUTE);
      assert.equal(m.sts.calls, 1, 'not yet');
      await m.clock.advance(MINUTE);
      await until('the renewed keys', () => keyOf(w) !== first.credentials.accessKeyId);
      const renewed = w.core.session!;
      assert.notEqual(renewed.refreshToken, first.refreshToken, 'the rotated refresh token is kept');
      assert.equal(renewed.signedInAt, first.signedInAt);
      assert.equal(stored(w)?.credentials.accessKeyId, renewed.credentials.accessKeyId);
      assert.equal(m.idp.authorizations, 1, 'no second browser sign-in');
      assert.equal(w.core.state.kind, 'signedIn');
    });

    it('renews at once when that moment has passed', () => {
      const now = Date.parse('2026-01-01T12:00:00Z');
      const at = (ms: number) => ({ credentials: { expiration: new Date(ms).toISOString() } }) as Session;
      assert.equal(renewalDue(at(now + 60_000), now), now);
      assert.equal(renewalDue(at(now - 60_000), now), now);
    });

    it('tries a renewal that failed on the way again, backing off, and keeps the session meanwhile', async () => {
      const w = await window();
      const first = (await w.signIn.signIn())!;
      m.sts.faults.push(awsError('InternalFailure', 500), awsError('InternalFailure', 500));
      await m.clock.advance(55 * MINUTE);
      await until('the first retry to be set', () => w.logLines.some((l) => /trying again in 15 s/.test(l)));
      assert.equal(w.core.state.kind, 'signedIn', 'the keys still work');
      await m.clock.advance(15_000);
      await until('the second retry to be set, twice as late', () => w.logLines.some((l) => /trying again in 30 s/.test(l)));
      await m.clock.advance(30_000);
      await until('the renewed keys', () => keyOf(w) !== first.credentials.accessKeyId);
      assert.equal(m.sts.calls, 4);
      assert.equal(w.notify.shown.length, 0, 'nothing to tell the user');
    });

    it('asks for a new sign-in when the identity provider no longer accepts the refresh token', async () => {
      const w = await window();
      await w.signIn.signIn();
      m.idp.revokeAll();
      await m.clock.advance(55 * MINUTE);
      await until('the needs-sign-in state', () => w.core.state.kind === 'needsSignIn');
      assert.match(w.notify.shown[0].message, /^Your Claude Bedrock session could not be renewed \(your identity provider no longer accepts the saved sign-in\)/);
      assert.deepEqual(w.notify.shown[0].buttons, ['signIn']);
      assert.equal(stored(w)?.refreshToken, undefined, 'the spent refresh token is dropped');
      assert.ok(stored(w)?.renewalFailed);
      assert.ok(w.core.usableSession, 'terminals keep the keys until they expire');
      await m.clock.advance(5 * MINUTE);
      assert.equal(w.core.state.kind, 'needsSignIn');
      assert.equal(w.core.usableSession, undefined);
      assert.equal(w.secrets.values.size, 0, 'the expired session is forgotten');
      assert.equal(w.notify.shown.length, 1, 'said once');
    });

    it('goes back to the browser, once, when a renewal just after the sign-in fails for good', async () => {
      const w = await window();
      await w.signIn.signIn();
      m.idp.revokeAll();
      assert.equal(await w.renewal.refreshNow(), undefined);
      assert.ok(stored(w)?.renewalFailed);
      // Within moments of the first sign-in, whose outcome other windows may still take.
      const again = await w.signIn.signIn();
      assert.ok(again && !again.renewalFailed);
      assert.equal(m.idp.authorizations, 2, 'a new sign-in in the browser, not the spent one');
    });

    it('says the session has expired when nothing can renew it, and forgets it', async () => {
      m.idp.refreshTokens = false;
      const w = await window();
      await w.signIn.signIn();
      await m.clock.advance(60 * MINUTE);
      await until('the needs-sign-in state', () => w.core.state.kind === 'needsSignIn');
      assert.equal(w.core.state.kind === 'needsSignIn' && w.core.state.reason, 'Your session has expired.');
      assert.deepEqual(w.notify.shown.map((n) => n.message), ['Your Claude Bedrock session has expired. Sign in again to continue.']);
      assert.equal(w.secrets.values.size, 0);
    });

    it('drops a renewal that finishes after the user signed out', async () => {
      const w = await window();
      await w.signIn.signIn();
      let release = () => undefined as void;
      m.sts.hold = new Promise<void>((resolve) => (release = resolve));
      const renewing = w.renewal.renewNow(true).catch((error: unknown) => error);
      await until('STS to be asked', () => m.sts.calls === 2);
      await w.signIn.signOut();
      release();
      m.sts.hold = undefined;
      const outcome = await renewing;
      assert.ok(outcome instanceof Failure && outcome.kind === 'cancelled', String(outcome));
      assert.equal(w.core.state.kind, 'signedOut');
      assert.equal(w.secrets.values.size, 0);
      assert.equal(m.idp.revoked.length, 1, 'the refresh token was revoked at sign-out');
    });

    it('renews keys a terminal asks for when the machine slept past the renewal', async () => {
      const w = await window();
      const first = (await w.signIn.signIn())!;
      m.clock.jump(59.5 * MINUTE);
      const keys = await w.keys.credentials();
      assert.ok(keys);
      assert.notEqual(keys.accessKeyId, first.credentials.accessKeyId);
      assert.ok(Date.parse(keys.expiration) - m.clock.now() > 50 * MINUTE);
    });

    it('signs in silently with the saved refresh token when the keys have run out', async () => {
      const w = await window();
      await w.signIn.signIn();
      m.clock.jump(61 * MINUTE);
      assert.equal(w.core.usableSession, undefined);
      const again = await w.signIn.signIn();
      assert.ok(again);
      assert.equal(m.idp.authorizations, 1, 'no browser');
      assert.equal(w.core.state.kind, 'signedIn');
    });

    it('needs a new sign-in when the sign-in settings change', async () => {
      const w = await window();
      await w.signIn.signIn();
      m.settings.set('claudeBedrock.roleArn', 'arn:aws:iam::123456789012:role/Other');
      assert.equal(w.core.state.kind, 'needsSignIn');
      assert.equal(w.core.state.kind === 'needsSignIn' && w.core.state.reason, 'The sign-in settings have changed since you signed in.');
      assert.equal(w.core.usableSession, undefined, 'terminals stop getting the old role');
    });

    it('reads a session an earlier version stored, and keeps it in today\'s shape', async () => {
      const secrets = new FakeSecretStorage();
      const v1 = {
        version: 1,
        issuer: 'https://idp.example.com/tenant/',
        clientId: 'claude-code',
        roleArn: 'arn:aws:iam::123456789012:role/ClaudeCodeBedrock',
        region: 'us-east-1',
        identity: { subject: 'alice', email: 'alice@example.com', name: 'Alice', department: undefined, groups: [] },
        idToken: 'id-token-old',
        idTokenExpiresAt: m.clock.now() + 3600_000,
        refreshToken: 'refresh-token-old',
        credentials: { accessKeyId: 'OLDKEY', secretAccessKey: 'old-secret', sessionToken: 'old-token', expiration: new Date(m.clock.now() + 3600_000).toISOString() },
        assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/ClaudeCodeBedrock/alice@example.com',
        signedInAt: m.clock.now() - 1000,
        refreshedAt: m.clock.now() - 1000,
      };
      secrets.values.set(SESSION_KEY, JSON.stringify(v1));
      const w = await window({ secrets });
      assert.equal(w.core.state.kind, 'signedIn', 'still signed in after the update');
      assert.equal(stored(w)?.version, 2);
      assert.equal(stored(w)?.flow, 'webIdentity');
    });

    it('removes a stored session it cannot read, and starts signed out', async () => {
      const secrets = new FakeSecretStorage();
      secrets.values.set(SESSION_KEY, '{"version":2,"credentials":');
      const w = await window({ secrets });
      assert.equal(w.core.state.kind, 'signedOut');
      assert.equal(secrets.values.size, 0);
      assert.ok(w.logLines.some((l) => /could not be read and was removed/.test(l)));
    });
  });

  describe('in several windows', () => {
    it('runs one sign-in at the identity provider for two windows signing in at once', async () => {
      const [a, b] = [await window(), await window()];
      const [sa, sb] = await Promise.all([a.signIn.signIn(), b.signIn.signIn()]);
      assert.equal(m.idp.authorizations, 1, 'one browser sign-in');
      assert.equal(m.sts.calls, 1);
      assert.equal(sa?.credentials.accessKeyId, sb?.credentials.accessKeyId);
      assert.equal(a.core.state.kind, 'signedIn');
      assert.equal(b.core.state.kind, 'signedIn');
      assert.equal(a.signIn.followers + b.signIn.followers, 1);
    });

    it('renews in one window for all of them: the others take its keys', async () => {
      const [a, b] = [await window(), await window()];
      const first = (await a.signIn.signIn())!;
      await until('b to take the session', () => keyOf(b) === first.credentials.accessKeyId);
      await m.clock.advance(55 * MINUTE);
      await until('both to have the renewed keys', () => keyOf(a) !== first.credentials.accessKeyId && keyOf(a) === keyOf(b));
      assert.equal(m.sts.calls, 2, 'one renewal for both windows');
      assert.equal(m.idp.refreshes, 1, 'the refresh token was used once');
    });

    it('signs every window out when one signs out', async () => {
      const [a, b] = [await window(), await window()];
      await a.signIn.signIn();
      await until('b to be signed in', () => b.core.state.kind === 'signedIn');
      await b.signIn.signOut();
      await until('a to be signed out', () => a.core.state.kind === 'signedOut');
      assert.equal(a.core.usableSession, undefined);
    });

    it('starts a window opened later from the newest session, even when its own storage is older', async () => {
      const a = await window();
      const first = (await a.signIn.signIn())!;
      const old = new FakeSecretStorage();
      old.values.set(SESSION_KEY, a.secrets.values.get(SESSION_KEY)!);
      await a.renewal.renewNow(true);
      const b = await window({ secrets: old });
      await until('b to have the renewed keys', () => keyOf(b) === keyOf(a));
      assert.notEqual(keyOf(b), first.credentials.accessKeyId);
    });

    it("follows what another VS Code changes in the SecretStorage they share, without reaching its channel (a remote window beside a local one)", async () => {
      const a = await window();
      const b = await window({ secrets: a.secrets, hubDir: path.join(m.storageDir, 'another-machine') });
      await a.signIn.signIn();
      await until('b to take the session from storage', () => keyOf(b) === keyOf(a) && keyOf(a) !== undefined);
      await a.renewal.renewNow(true);
      await until('b to take the renewed keys', () => keyOf(b) === keyOf(a));
      await a.signIn.signOut();
      await until('b to be signed out', () => b.core.state.kind === 'signedOut');
    });

    it('gives a window the session of a sign-in that finished just before it asked', async () => {
      const [a, b] = [await window(), await window()];
      await a.signIn.signIn();
      const again = await b.signIn.signIn();
      assert.equal(again?.credentials.accessKeyId, keyOf(a));
      assert.equal(m.idp.authorizations, 1);
    });
  });
});
