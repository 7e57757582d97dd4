import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findClaude, terminalEnvironment } from '../../src/terminal/findClaude';

describe('finding the Claude Code CLI', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'find-claude-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds an executable claude on PATH', async () => {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'claude'), 0o755);
    assert.equal(await findClaude({ PATH: `/nonexistent${path.delimiter}${bin}` }), path.join(bin, 'claude'));
  });

  it('ignores a claude that is not executable, or a folder of that name', async () => {
    writeFileSync(path.join(dir, 'claude'), 'not a program');
    mkdirSync(path.join(dir, 'sub', 'claude'), { recursive: true });
    const found = await findClaude({ PATH: `${dir}${path.delimiter}${path.join(dir, 'sub')}` });
    assert.ok(found === undefined || !found.startsWith(dir), String(found));
  });

  it("looks where a terminal looks: PATH as the user's terminal.integrated.env sets it", async () => {
    const bin = path.join(dir, 'tools');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'claude'), 0o755);
    const env = terminalEnvironment({ PATH: '/usr/bin', HTTPS_PROXY: 'http://proxy:3128', KEEP: 'x' }, { PATH: `${bin}:\${env:PATH}`, HTTPS_PROXY: null, NUMBER: 3 });
    assert.deepEqual(env, { PATH: `${bin}:/usr/bin`, KEEP: 'x' });
    assert.equal(await findClaude(env), path.join(bin, 'claude'));
    assert.deepEqual(terminalEnvironment({ A: '1' }, undefined), { A: '1' });
  });
});
