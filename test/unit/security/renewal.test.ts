// Renewal, tried as the accidents that lose a refresh token: the extension host ending between
// the identity provider's answer and STS's, a token endpoint that is only busy, and windows that
// hold the session without its secrets. The extension's own session classes; fakes of the IdP,
// STS, SecretStorage and the clock.
import * as assert from 'node:assert/strict';
import type { Session } from '../../../src/auth/session';
import { SESSION_KEY } from '../../../src/auth/store';
import { FakeSecretStorage } from '../fakes/editor';
import { useMachine, type Machine, type Window } from '../sessionWorld';
import { until } from '../windowsHelpers';

const MINUTE = 60_000;

/** An error as openid-client throws it for an OAuth error body from the token endpoint. */
function tokenEndpointError(error: string, status: number): Error {
  return Object.assign(new Error(error), { name: 'ResponseBodyError', code: 'OAUTH_RESPONSE_BODY_ERROR', error, status });
}

describe('security: renewal', () => {
  const world = useMachine();
  let m: Machine;
  beforeEach(() => (m = world.m));

  function stored(w: { secrets: FakeSecretStorage }): Session | undefined {
    const raw = w.secrets.values.get(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  }

  it('saves a rotated refresh token before it asks STS, so a window that ends on the way loses nothing', async () => {
    const a = await world.window();
    const first = (await a.signIn.signIn())!;
    // STS does not answer: the extension host ends while it waits.
    let letGo: () => void = () => undefined;
    m.sts.hold = new Promise<void>((resolve) => (letGo = resolve));
    const renewing = a.renewal.renewNow(true).catch(() => undefined);
    await until('the identity provider to rotate the refresh token', () => m.idp.refreshes === 1);
    await until('the rotated token to be saved', () => stored(a)?.refreshToken !== first.refreshToken);
    const rotated = stored(a)!.refreshToken!;
    assert.notEqual(rotated, first.refreshToken);
    assert.equal(m.sts.calls, 2, 'STS was asked after the token was saved');

    // A new extension host starts from what SecretStorage holds, and renews without the browser.
    const secrets = new FakeSecretStorage();
    secrets.values.set(SESSION_KEY, a.secrets.values.get(SESSION_KEY)!);
    await a.close();
    m.sts.hold = undefined;
    letGo();
    await renewing;
    const b = await world.window({ secrets });
    await b.renewal.renewNow(true);
    assert.equal(m.idp.authorizations, 1, 'no browser sign-in');
    assert.equal(b.core.state.kind, 'signedIn');
    assert.notEqual(stored(b)!.refreshToken, rotated, 'the saved token worked, and rotated again');
  });

  // openid-client reads an OAuth error body only from a 4xx answer (a 5xx is "not conform", which
  // the error table has always taken as passing): these are the busy answers it does read.
  for (const [answer, status] of [
    ['temporarily_unavailable', 400],
    ['server_error', 400],
    ['temporarily_unavailable', 429],
  ] as const) {
    it(`keeps the session and its refresh token when the token endpoint answers ${answer} (HTTP ${status}), and renews once it answers again`, async () => {
      const w = await world.window();
      const first = (await w.signIn.signIn())!;
      m.idp.refreshFault = tokenEndpointError(answer, status);
      await m.clock.advance(56 * MINUTE);
      await until('the renewal to have been tried', () => m.idp.refreshes >= 1);
      assert.equal(stored(w)?.refreshToken, first.refreshToken, 'the refresh token is kept');
      assert.equal(stored(w)?.renewalFailed, undefined);
      assert.equal(w.core.state.kind, 'signedIn');
      assert.ok(w.notify.shown.every((n) => !n.buttons.includes('signIn')), 'no Sign In offered while the session is good');
      m.idp.refreshFault = undefined;
      await m.clock.advance(MINUTE);
      await until('the next try to renew', () => w.core.session?.credentials.accessKeyId !== first.credentials.accessKeyId);
      assert.equal(m.idp.authorizations, 1, 'no browser sign-in');
    });
  }

  it('ends the session only when the identity provider says the grant is dead (invalid_grant)', async () => {
    const w = await world.window();
    await w.signIn.signIn();
    m.idp.refreshFault = tokenEndpointError('invalid_grant', 400);
    await assert.rejects(w.renewal.renewNow(true));
    assert.equal(stored(w)?.refreshToken, undefined);
    assert.equal(w.core.state.kind, 'needsSignIn');
  });

  it('renews a window that knows the session without its secrets through the window that holds them', async () => {
    const a = await world.window();
    const b: Window = await world.window();
    const first = (await a.signIn.signIn())!;
    await until('b to take the session', () => b.core.session?.credentials.accessKeyId === first.credentials.accessKeyId);
    assert.equal(b.store.holdsSecrets, false, 'b has its own (older) SecretStorage, as each web window does');
    assert.equal(b.store.session?.refreshToken, undefined);
    assert.equal(b.store.session?.idToken, undefined);
    const renewed = await b.renewal.renewNow(true);
    assert.notEqual(renewed.credentials.accessKeyId, first.credentials.accessKeyId);
    assert.equal(m.idp.refreshes, 1, 'renewed once, by a');
    assert.equal(a.core.session?.credentials.accessKeyId, renewed.credentials.accessKeyId);
    // Its keys reach terminals without a renewal of their own.
    assert.equal((await b.keys.credentials())?.accessKeyId, renewed.credentials.accessKeyId);
  });

  it('takes the secrets from a SecretStorage shared with the window that renewed (the desktop)', async () => {
    const a = await world.window();
    const b = await world.window({ secrets: a.secrets });
    await a.signIn.signIn();
    await until('b to hold the session with its secrets', () => b.store.holdsSecrets && b.store.session?.refreshToken === stored(a)?.refreshToken);
    await a.renewal.renewNow(true);
    await until('b to hold the renewed session with its secrets', () => b.store.holdsSecrets && b.store.session?.refreshToken === stored(a)?.refreshToken);
    await a.close();
    await b.renewal.renewNow(true);
    assert.equal(m.idp.refreshes, 2, 'b renewed with the rotated token itself');
    assert.equal(m.idp.authorizations, 1);
  });

  it('does not sign everyone out when a window without the secrets sees the keys run out', async () => {
    const a = await world.window();
    const b = await world.window();
    await a.signIn.signIn();
    await until('b to take the session', () => b.core.state.kind === 'signedIn');
    await a.close();
    await m.clock.advance(61 * MINUTE);
    await until('b to see that the keys ran out', () => b.core.state.kind === 'needsSignIn');
    assert.ok(stored(a), "a's SecretStorage still holds the session: b did not clear it");
  });

  it('signed out in a window without the secrets: the refresh token is revoked by the window that held it, and no SecretStorage keeps the session', async () => {
    const a = await world.window();
    const b = await world.window();
    const first = (await a.signIn.signIn())!;
    await until('b to take the session', () => b.core.state.kind === 'signedIn');
    assert.equal(b.store.holdsSecrets, false);
    await b.signIn.signOut();
    await until('a to be signed out', () => a.core.state.kind === 'signedOut');
    await until('the identity provider to forget the refresh token', () => m.idp.revoked.includes(first.refreshToken!));
    assert.equal(stored(a), undefined, "a's SecretStorage no longer holds the session");
    assert.equal(stored(b), undefined);
  });
});
