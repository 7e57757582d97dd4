// Which window hosts the windows' hub: the one that creates its folder; a folder whose host has
// gone is taken over.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimHub, hubFolder } from '../../src/windows/place';

describe("the windows' hub folder", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'hub-place-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is held by one window at a time', async () => {
    const first = await claimHub(dir);
    assert.ok(first);
    assert.equal(await claimHub(dir), undefined);
    first.release();
    const again = await claimHub(dir);
    assert.ok(again);
    again.release();
  });

  it('goes to exactly one of many windows claiming it at once', async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, () => claimHub(dir)));
    assert.equal(claims.filter(Boolean).length, 1);
    for (const c of claims) c?.release();
  });

  it('is taken over when left behind by a window that stopped answering', async () => {
    const left = await claimHub(dir);
    assert.ok(left);
    await left.publish();
    const old = new Date(Date.now() - 120_000);
    utimesSync(hubFolder(dir), old, old);
    const taken = await claimHub(dir);
    assert.ok(taken, 'nobody listens at its address, and it is not new');
    taken.release();
  });

  it('is taken over when its host process has ended, however recent', async () => {
    const held = await claimHub(dir);
    assert.ok(held);
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const owner = path.join(held.folder, 'owner');
    writeFileSync(owner, readFileSync(owner, 'utf8').replace(`"pid":${process.pid}`, `"pid":${ended}`));
    const taken = await claimHub(dir);
    assert.ok(taken);
    taken.release();
  });

  it('is left alone while its host runs, or was taken on another host', async () => {
    const held = await claimHub(dir);
    assert.ok(held);
    assert.equal(await claimHub(dir), undefined);
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(held.folder, 'owner'), JSON.stringify({ pid: ended, host: 'another-host' }));
    assert.equal(await claimHub(dir), undefined, 'a recent folder of another host may still be starting');
    held.release();
  });
});
