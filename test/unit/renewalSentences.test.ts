// What a user reads when a renewal fails, through the real renewal, sign-in and session core
// (sessionWorld.ts): a passing failure says the session is still good and offers no Sign In; the
// session, its refresh token and the renewal schedule stay.
import * as assert from 'node:assert/strict';
import { awsError } from './fakes/clients';
import { useMachine } from './sessionWorld';

const MINUTE = 60_000;

describe('what a renewal that fails says', () => {
  const world = useMachine();

  it('Refresh Credentials while STS throttles: still signed in, the keys good until their time, renewal tries again by itself; no Sign In', async () => {
    const w = await world.window();
    const session = (await w.signIn.signIn())!;
    const from = w.notify.shown.length;
    world.m.sts.faults.push(awsError('Throttling', 400));
    assert.equal(await w.renewal.refreshNow(), undefined);
    const [shown] = w.notify.shown.slice(from);
    assert.match(shown.message, /^Your AWS keys could not be renewed just now: AWS STS is throttling requests \(Throttling\)\. You are still signed in: the current AWS keys work until .+, and renewal tries again by itself\.$/);
    assert.deepEqual(shown.buttons, ['showLog']);
    assert.equal(w.core.state.kind, 'signedIn');
    assert.equal(w.store.session?.renewalFailed, undefined);
    assert.ok(w.store.session?.refreshToken);
    assert.equal(w.core.session?.credentials.accessKeyId, session.credentials.accessKeyId, 'the keys held still work');
  });

  it('an identity provider that is "temporarily unavailable" keeps the session and its refresh token, and the next renewal goes through by itself', async () => {
    const w = await world.window();
    const session = (await w.signIn.signIn())!;
    world.m.idp.refreshFault = Object.assign(new Error('temporarily_unavailable'), { name: 'ResponseBodyError', code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'temporarily_unavailable', status: 503 });
    const from = w.notify.shown.length;
    assert.equal(await w.renewal.refreshNow(), undefined);
    const [shown] = w.notify.shown.slice(from);
    assert.match(shown.message, /^Your AWS keys could not be renewed just now: your identity provider at .+ cannot renew sign-ins just now \(temporarily_unavailable\)\. You are still signed in/);
    assert.deepEqual(shown.buttons, ['showLog']);
    assert.equal(w.store.session?.renewalFailed, undefined);
    assert.equal(w.store.session?.refreshToken, session.refreshToken, 'the refresh token is kept');

    world.m.idp.refreshFault = undefined;
    await world.m.clock.advance(56 * MINUTE);
    assert.notEqual(w.core.session?.credentials.accessKeyId, session.credentials.accessKeyId, 'renewed by itself, before expiry');
    assert.equal(w.core.state.kind, 'signedIn');
    assert.equal(w.notify.shown.length, from + 1, 'nothing more to say');
  });
});
