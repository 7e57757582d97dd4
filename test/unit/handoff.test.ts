import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimSignIn, SIGN_IN_LOCK, type ClaimOptions, type Follower, type Leader } from '../../src/auth/handoff';
import { lockPath } from '../../src/auth/lock';

const SESSION = { idToken: 'canary-id-token', credentials: { accessKeyId: 'ASIATESTHANDOFF', secretAccessKey: 'canary-secret' } };

describe('one sign-in for every window (handoff)', () => {
  let root: string;
  let dir: string;
  const open: (Leader | Follower)[] = [];
  const options: ClaimOptions = { staleMs: 60_000, deadlineMs: 5_000, followMs: 30_000, isCancelled: () => false };

  async function claim(overrides: Partial<ClaimOptions> = {}): Promise<Leader | Follower> {
    const claimed = await claimSignIn(dir, { ...options, ...overrides });
    assert.ok(claimed, 'a claim');
    open.push(claimed);
    return claimed;
  }

  function leaderOf(claims: (Leader | Follower)[]): Leader {
    const leaders = claims.filter((c): c is Leader => c.kind === 'leader');
    assert.equal(leaders.length, 1, 'exactly one leader');
    return leaders[0];
  }

  /** Waits until the leader has heard from `n` followers (they connect, then say hello). */
  async function followersHeard(leader: Leader, n: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (leader.followers < n) {
      if (Date.now() > deadline) throw new Error(`${leader.followers} of ${n} followers heard`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  beforeEach(() => (root = dir = mkdtempSync(path.join(os.tmpdir(), 'handoff-test-'))));
  afterEach(async () => {
    for (const c of open.splice(0)) {
      if (c.kind === 'leader') await c.close();
      else c.cancel();
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('lets one of several windows lead and hands its session to the others', async () => {
    const claims = await Promise.all([claim(), claim(), claim()]);
    const leader = leaderOf(claims);
    assert.equal(leader.shared, true);
    const followers = claims.filter((c): c is Follower => c.kind === 'follower');
    await followersHeard(leader, 2);
    leader.finish({ kind: 'signedIn', session: SESSION }, 0);
    for (const f of followers) assert.deepEqual(await f.result, { kind: 'signedIn', session: SESSION });
  });

  it('tells the followers when the sign-in ended without a session', async () => {
    const leader = (await claim()) as Leader;
    const follower = (await claim()) as Follower;
    assert.equal(follower.kind, 'follower');
    await followersHeard(leader, 1);
    leader.finish({ kind: 'ended', reason: 'Sign-in cancelled.' }, 0);
    assert.deepEqual(await follower.result, { kind: 'ended', reason: 'Sign-in cancelled.' });
  });

  it('still hands the session to a window that asks just after the sign-in finished', async () => {
    const leader = (await claim()) as Leader;
    leader.finish({ kind: 'signedIn', session: SESSION }, 2_000);
    const late = await claim();
    assert.equal(late.kind, 'follower');
    assert.deepEqual(await (late as Follower).result, { kind: 'signedIn', session: SESSION });
  });

  it('lets the lock go after the grace period, so the next sign-in leads', async () => {
    const leader = (await claim()) as Leader;
    leader.finish({ kind: 'signedIn', session: SESSION }, 100);
    const deadline = Date.now() + 5_000;
    let next = await claimSignIn(dir, { ...options, deadlineMs: 50 });
    while (next?.kind !== 'leader') {
      if (next?.kind === 'follower') next.cancel();
      assert.ok(Date.now() < deadline, 'the lock was let go');
      next = await claimSignIn(dir, { ...options, deadlineMs: 50 });
    }
    open.push(next);
  });

  it('tells a follower when the leader goes away, and the follower can lead next', async () => {
    const leader = (await claim()) as Leader;
    const follower = (await claim()) as Follower;
    await followersHeard(leader, 1);
    await leader.close();
    assert.deepEqual(await follower.result, { kind: 'lost' });
    assert.equal((await claim()).kind, 'leader');
  });

  it('takes over a sign-in lock left by a window whose process has ended', async () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = lockPath(dir, SIGN_IN_LOCK);
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'owner'), JSON.stringify({ pid: ended, host: os.hostname(), at: new Date().toISOString() }));
    writeFileSync(path.join(stale, 'address'), path.join(dir, 'gone.sock'));
    assert.equal((await claim()).kind, 'leader');
  });

  it("removes the temporary socket folder of a window that died while it led", async () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = lockPath(dir, SIGN_IN_LOCK);
    const left = mkdtempSync(path.join(os.tmpdir(), 'claude-bedrock-'));
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'owner'), JSON.stringify({ pid: ended, host: os.hostname() }));
    writeFileSync(path.join(stale, 'address'), path.join(left, 's'));
    assert.equal((await claim()).kind, 'leader');
    assert.equal(existsSync(left), false);
  });

  it('stops following when cancelled, or when the leader is stuck past the deadline', async () => {
    const leader = (await claim()) as Leader;
    const cancelled = (await claim()) as Follower;
    cancelled.cancel();
    assert.deepEqual(await cancelled.result, { kind: 'cancelled' });
    const impatient = (await claim({ followMs: 200 })) as Follower;
    const result = await impatient.result;
    assert.equal(result.kind, 'ended');
    assert.equal(leader.kind, 'leader');
  });

  it('gives up claiming when the caller cancels', async () => {
    await claim();
    // A lock held with no address to join: the claimer can only wait, until it is cancelled.
    rmSync(path.join(lockPath(dir, SIGN_IN_LOCK), 'address'));
    let asked = 0;
    const started = Date.now();
    const none = await claimSignIn(dir, { ...options, isCancelled: () => ++asked > 3 });
    assert.equal(none, undefined);
    assert.ok(Date.now() - started < 4_000);
  });

  it('keeps the secrets off the disk: only a socket address is written, in a private directory', async function () {
    if (process.platform === 'win32') this.skip();
    const leader = (await claim()) as Leader;
    const follower = (await claim()) as Follower;
    await followersHeard(leader, 1);
    const address = readFileSync(path.join(lockPath(dir, SIGN_IN_LOCK), 'address'), 'utf8');
    assert.equal(statSync(path.dirname(address)).mode & 0o777, 0o700, 'the socket directory is private');
    leader.finish({ kind: 'signedIn', session: SESSION }, 1_000);
    await follower.result;
    for (const file of readdirSync(dir, { recursive: true }) as string[]) {
      const full = path.join(dir, file);
      if (statSync(full).isFile()) assert.doesNotMatch(readFileSync(full, 'utf8'), /canary|ASIATESTHANDOFF/);
    }
    assert.equal(path.dirname(address), lockPath(dir, SIGN_IN_LOCK), 'the socket lives in the lock');
    await leader.close();
    assert.equal(existsSync(lockPath(dir, SIGN_IN_LOCK)), false, 'and goes with it');
  });

  it('keeps its socket in the private temporary folder when the storage path is too long for one', async function () {
    if (process.platform === 'win32') this.skip();
    dir = path.join(dir, 'a-storage-folder-with-a-long-name'.repeat(3));
    const leader = (await claim()) as Leader;
    const address = readFileSync(path.join(lockPath(dir, SIGN_IN_LOCK), 'address'), 'utf8');
    assert.ok(address.startsWith(os.tmpdir()), address);
    assert.equal(statSync(path.dirname(address)).mode & 0o777, 0o700);
    const follower = (await claim()) as Follower;
    await followersHeard(leader, 1);
    leader.finish({ kind: 'signedIn', session: SESSION }, 0);
    assert.equal((await follower.result).kind, 'signedIn');
    await leader.close();
    assert.equal(existsSync(path.dirname(address)), false, 'the temporary folder is removed');
  });

  it('drops connections that do not speak the handoff, and still serves real followers', async () => {
    const leader = (await claim()) as Leader;
    const address = readFileSync(path.join(lockPath(dir, SIGN_IN_LOCK), 'address'), 'utf8');
    const strangers = ['GET / HTTP/1.1\r\n\r\n', 'outcome?\noutcome?\n', '\n', 'x'.repeat(100_000)];
    const answers = await Promise.all(
      strangers.map(
        (text) =>
          new Promise<string>((resolve) => {
            let got = '';
            const socket = net.connect(address, () => socket.write(text));
            socket.on('data', (d) => (got += d.toString()));
            socket.on('error', () => undefined);
            socket.on('close', () => resolve(got));
          }),
      ),
    );
    assert.deepEqual(answers, ['', '', '', ''], 'strangers get nothing and are closed');
    assert.equal(leader.followers, 0);
    const follower = (await claim()) as Follower;
    await followersHeard(leader, 1);
    leader.finish({ kind: 'signedIn', session: SESSION }, 0);
    assert.equal((await follower.result).kind, 'signedIn');
  });
});
