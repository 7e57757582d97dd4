// The terminals' credentials endpoint in the real extension host, flooded from another process as
// any OS user of the machine could: the extension host's file descriptors (shared with every other
// extension) stay bounded, a terminal still gets its keys, and the flood's sockets are closed.
// The flood comes from a child process, so the descriptors counted here are the extension host's.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import { signInAs, terminalEndpoint, useExtension, waitFor } from './helpers';

const FLOOD = 2_000;
/** What the endpoint keeps at most (ENDPOINT_LIMITS). */
const CAP = 128;

/** Opens `count` connections and sends nothing; says "connected" when all are made. */
const FLOODER = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
let connected = 0;
for (let i = 0; i < count; i++) {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  s.on('connect', () => { if (++connected === count) console.log('connected'); });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

function descriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('Security: the credentials endpoint under a flood of idle connections', () => {
  const testApi = useExtension({ fresh: 'once' });
  let flooder: ChildProcess | undefined;

  after(async () => {
    flooder?.stdin?.end();
    await vscode.commands.executeCommand('claudeBedrock.signOut');
  });

  it("keeps the extension host's descriptors bounded, serves a terminal meanwhile, and closes the flood's connections", async function () {
    this.timeout(120_000);
    await signInAs('alice');
    await testApi.terminalsUpdated();
    const { uri, token } = await terminalEndpoint(testApi);
    const port = new URL(uri).port;

    const before = descriptors();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, descriptors() - before)), 5);
    let out = '';
    flooder = spawn(process.execPath, ['-e', FLOODER, port, String(FLOOD)], { stdio: ['pipe', 'pipe', 'ignore'] });
    flooder.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the flood to be connected', () => out.includes('connected'), 60_000);
      // A terminal asks while the flood holds every connection the endpoint keeps.
      const answer = await fetch(uri, { headers: { authorization: token } });
      assert.equal(answer.status, 200);
      assert.ok(((await answer.json()) as { AccessKeyId?: string }).AccessKeyId);
      peak = Math.max(peak, descriptors() - before);
    } finally {
      clearInterval(sampler);
    }
    assert.ok(peak < CAP + 64, `the extension host held ${peak} more descriptors at the peak of ${FLOOD} connections`);

    // The endpoint closes them, idle, 2 s after accepting each: the extension host holds nothing
    // of the flood then. (The flooder's own count says less: a connection the kernel completed for
    // it while the listen queue was full, and dropped, stays open on its side until it writes.)
    await waitFor('the extension host to hold none of the flood', () => descriptors() - before <= 16, 30_000);
  });
});
