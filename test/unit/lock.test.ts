import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tryLock } from '../../src/auth/lock';

describe('the cross-window lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'lock-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is held by one at a time', async () => {
    const first = await tryLock(dir, 'refresh', 60_000);
    assert.ok(first);
    assert.equal(await tryLock(dir, 'refresh', 60_000), undefined);
    await first.release();
    const again = await tryLock(dir, 'refresh', 60_000);
    assert.ok(again);
    await again.release();
  });

  it('gives exactly one of many simultaneous takers the lock', async () => {
    const takers = await Promise.all(Array.from({ length: 20 }, () => tryLock(dir, 'refresh', 60_000)));
    assert.equal(takers.filter(Boolean).length, 1);
  });

  it('takes over a lock left behind by a window that stopped', async () => {
    const abandoned = await tryLock(dir, 'refresh', 60_000);
    assert.ok(abandoned);
    const old = new Date(Date.now() - 120_000);
    utimesSync(path.join(dir, 'refresh.lock'), old, old);
    assert.ok(await tryLock(dir, 'refresh', 60_000));
  });

  it('takes over a lock whose holder process has ended, however recent', async () => {
    const held = await tryLock(dir, 'refresh', 60_000);
    assert.ok(held);
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const owner = path.join(held.dir, 'owner');
    writeFileSync(owner, readFileSync(owner, 'utf8').replace(`"pid":${process.pid}`, `"pid":${ended}`));
    assert.ok(await tryLock(dir, 'refresh', 60_000));
  });

  it('leaves a lock alone while its holder runs, or was taken on another host', async () => {
    const held = await tryLock(dir, 'refresh', 60_000);
    assert.ok(held);
    assert.equal(await tryLock(dir, 'refresh', 60_000), undefined);
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(held.dir, 'owner'), JSON.stringify({ pid: ended, host: 'another-host' }));
    assert.equal(await tryLock(dir, 'refresh', 60_000), undefined);
  });
});
