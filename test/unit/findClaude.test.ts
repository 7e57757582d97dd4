import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findClaude } from '../../src/terminal/findClaude';

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
});
