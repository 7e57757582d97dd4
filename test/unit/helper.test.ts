// The credentials helper Claude Code runs: the real program (dist/helper.js) in a process of its
// own, asking windows of the real session classes over the windows' channel.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../src/claudeCode/broker';
import { useMachine, type Window } from './sessionWorld';

const HELPER = path.resolve(__dirname, '../../../dist/helper.js');

function helper(storage: string, command: string): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HELPER, '--storage', storage, command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

describe("Claude Code's credentials helper", () => {
  const world = useMachine({ telemetryEndpoint: 'https://otel.example.com' });

  async function windowWithBroker(): Promise<Window> {
    const w = await world.window();
    const broker = new Broker({ channel: w.channel, sessions: w.core, keys: w.keys, signIn: w.signIn, clock: world.m.clock, log: w.log });
    world.cleanup(() => broker.dispose());
    return w;
  }

  it("prints the session's keys in the format Claude Code reads, with their expiry", async () => {
    const w = await windowWithBroker();
    const session = (await w.signIn.signIn())!;
    const out = await helper(world.m.storageDir, 'export');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), {
      Credentials: {
        AccessKeyId: session.credentials.accessKeyId,
        SecretAccessKey: session.credentials.secretAccessKey,
        SessionToken: session.credentials.sessionToken,
        Expiration: session.credentials.expiration,
      },
    });
  });

  it('hands out nothing once signed out, and says how to sign in', async () => {
    const w = await windowWithBroker();
    await w.signIn.signIn();
    await w.signIn.signOut();
    const out = await helper(world.m.storageDir, 'export');
    assert.equal(out.code, 1);
    assert.equal(out.stdout, '');
    assert.equal(out.stderr, 'Claude Code on Amazon Bedrock: You are not signed in. Run "Claude Bedrock: Sign In" in VS Code.\n');
  });

  it('returns at once, saying nothing, when the keys are ready; signs in through VS Code when they are not', async () => {
    const w = await windowWithBroker();
    const quiet = await helper(world.m.storageDir, 'refresh');
    assert.equal(quiet.code, 0);
    assert.match(quiet.stdout, /^Claude Code on Amazon Bedrock: You are not signed in\. .* Signing in through VS Code; finish in your browser if it opens…\nClaude Code on Amazon Bedrock: signed in as alice@example\.com\.\n$/);
    assert.equal(w.core.state.kind, 'signedIn');
    assert.equal(world.m.idp.authorizations, 1);
    const again = await helper(world.m.storageDir, 'refresh');
    assert.deepEqual([again.code, again.stdout], [0, ''], 'silent on the way of every start');
    assert.equal((await helper(world.m.storageDir, 'export')).code, 0);
  });

  it('says why when the sign-in it asked for did not finish', async () => {
    await windowWithBroker();
    world.m.idp.next = 'deny';
    const out = await helper(world.m.storageDir, 'refresh');
    assert.equal(out.code, 1);
    assert.match(out.stderr, /^Claude Code on Amazon Bedrock: The sign-in did not finish: VS Code says why\./m, 'on stderr: Claude Code shows it marked ✘');
  });

  it('fails at once, with the fix in words, when VS Code is not running', async () => {
    const nowhere = mkdtempSync(path.join(os.tmpdir(), 'no-vscode-'));
    try {
      for (const command of ['export', 'refresh']) {
        const out = await helper(nowhere, command);
        assert.equal(out.code, 1);
        assert.equal(out.stdout, '', 'stdout is for the keys alone');
        assert.match(out.stderr, /^Claude Code on Amazon Bedrock: VS Code is not running, so there are no AWS credentials for Claude Code\. Open VS Code and sign in there/);
        assert.ok(out.ms < 1_000, `${out.ms} ms`);
      }
    } finally {
      rmSync(nowhere, { recursive: true, force: true });
    }
  });

  it('is answered by another window when the one that answered before closes', async () => {
    const a = await windowWithBroker();
    const b = await windowWithBroker();
    await a.signIn.signIn();
    assert.equal((await helper(world.m.storageDir, 'export')).code, 0);
    await a.close();
    const out = await helper(world.m.storageDir, 'export');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.equal(JSON.parse(out.stdout).Credentials.AccessKeyId, b.core.session?.credentials.accessKeyId);
  });

  it("tells the usage collector who the user is, from the ID token's claims", async () => {
    const w = await windowWithBroker();
    await w.signIn.signIn();
    const out = await helper(world.m.storageDir, 'otel-headers');
    assert.deepEqual(JSON.parse(out.stdout), { 'x-user-id': 'alice', 'x-user-email': 'alice@example.com', 'x-user-name': 'Alice' });
  });
});
