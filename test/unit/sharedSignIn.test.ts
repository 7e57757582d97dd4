// One sign-in for every window: one leads, the others follow and take its session.
import * as assert from 'node:assert/strict';
import { claimSignIn, type ClaimOptions, type Follower, type Leader } from '../../src/auth/sharedSignIn';
import type { WindowBus } from '../../src/windows/bus';
import { until, windowsWorld } from './windowsHelpers';

const SESSION = { idToken: 'canary-id-token', credentials: { accessKeyId: 'ASIATESTHANDOFF', secretAccessKey: 'canary-secret' } };

describe('one sign-in for every window', () => {
  const world = windowsWorld();
  const options: ClaimOptions = { followMs: 30_000 };
  const open: (Leader | Follower)[] = [];

  async function claim(bus: WindowBus, overrides: Partial<ClaimOptions> = {}): Promise<Leader | Follower> {
    const claimed = await claimSignIn(bus, { ...options, ...overrides });
    assert.ok(claimed, 'a claim');
    open.push(claimed);
    return claimed;
  }

  function leaderOf(claims: (Leader | Follower)[]): Leader {
    const leaders = claims.filter((c): c is Leader => c.kind === 'leader');
    assert.equal(leaders.length, 1, 'exactly one leader');
    return leaders[0];
  }

  afterEach(() => {
    for (const c of open.splice(0)) {
      if (c.kind === 'leader') c.close();
      else c.cancel();
    }
  });

  it('lets one of several windows lead and hands its session to the others', async () => {
    const buses = await world.windows();
    const claims = await Promise.all(buses.map((b) => claim(b)));
    const leader = leaderOf(claims);
    await until('the leader to hear both followers', () => leader.followers === 2);
    leader.finish({ kind: 'signedIn', session: SESSION }, 0);
    for (const f of claims.filter((c): c is Follower => c.kind === 'follower')) assert.deepEqual(await f.result, { kind: 'signedIn', session: SESSION });
  });

  it('tells the followers when the sign-in ended without a session', async () => {
    const [a, b] = await world.windows(2);
    const leader = (await claim(a)) as Leader;
    const follower = (await claim(b)) as Follower;
    assert.equal(follower.kind, 'follower');
    leader.finish({ kind: 'ended', reason: 'Sign-in cancelled.' }, 0);
    assert.deepEqual(await follower.result, { kind: 'ended', reason: 'Sign-in cancelled.' });
  });

  it('still hands the session to a window that asks just after the sign-in finished', async () => {
    const [a, b] = await world.windows(2);
    const leader = (await claim(a)) as Leader;
    leader.finish({ kind: 'signedIn', session: SESSION }, 2_000);
    await until('the other window to hear it', () => b.retained('signin.outcome') !== undefined);
    const late = await claim(b);
    assert.equal(late.kind, 'follower');
    assert.deepEqual(await (late as Follower).result, { kind: 'signedIn', session: SESSION });
  });

  it('lets the sign-in go after the grace period, so the next sign-in leads', async () => {
    const [a, b] = await world.windows(2);
    const leader = (await claim(a)) as Leader;
    leader.finish({ kind: 'signedIn', session: SESSION }, 100);
    const deadline = Date.now() + 5_000;
    let next = await claimSignIn(b, options);
    while (next?.kind !== 'leader') {
      assert.ok(Date.now() < deadline, 'the sign-in was let go');
      await new Promise((resolve) => setTimeout(resolve, 20));
      next = await claimSignIn(b, options);
    }
    open.push(next);
  });

  it('tells a follower when the leader goes away, and the follower can lead next', async () => {
    const [a, b] = await world.windows(2);
    const leader = (await claim(a)) as Leader;
    const follower = (await claim(b)) as Follower;
    leader.close();
    assert.deepEqual(await follower.result, { kind: 'lost' });
    assert.equal((await claim(b)).kind, 'leader');
  });

  it('goes on when the leading window ends without a word: its follower leads next', async function () {
    this.timeout(15_000);
    const [a] = await world.windows(1);
    const other = await world.process('hold', 'signin');
    const follower = (await claim(a)) as Follower;
    assert.equal(follower.kind, 'follower');
    await world.kill(other);
    assert.deepEqual(await follower.result, { kind: 'lost' });
    assert.equal((await claim(a)).kind, 'leader');
  });

  it('stops following when cancelled, or when the leader is stuck past the deadline', async () => {
    const [a, b, c] = await world.windows();
    const leader = (await claim(a)) as Leader;
    const cancelled = (await claim(b)) as Follower;
    cancelled.cancel();
    assert.deepEqual(await cancelled.result, { kind: 'cancelled' });
    const impatient = (await claim(c, { followMs: 200 })) as Follower;
    const result = await impatient.result;
    assert.equal(result.kind, 'ended');
    assert.equal(leader.kind, 'leader');
  });

  it('gives up claiming when the caller cancels', async () => {
    const [a] = await world.windows(1);
    const stop = new AbortController();
    stop.abort();
    assert.equal(await claimSignIn(a, { ...options, signal: stop.signal }), undefined);
  });
});
