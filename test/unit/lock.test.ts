import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
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
});
