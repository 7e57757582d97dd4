// Proves the gateway harness end to end, outside the test runners (start-up takes seconds):
//   node esbuild.mjs --tests && node out/test/support/gatewaySmoke.mjs
// Starts the test IdP, the AWS emulator, PostgreSQL and the real Claude apps gateway; prints the
// gateway's discovery issuer; signs a developer in (device flow, the IdP logs in alice) and stores
// the session where `/login` does; runs one `claude -p` with CLAUDE_CODE_USE_BEDROCK=1 and AWS keys
// of its own in the environment, and checks the request reached the emulator's Bedrock with the
// gateway's key instead; stops everything. Exits non-zero on the first thing that fails.
// `--hold` keeps everything up until Ctrl-C, for trying things by hand.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from './aws/emulator';
import { CLAUDE_BIN, gatewayIdpClient, startGateway } from './gateway';
import { deviceSignIn, writeGatewaySession } from './gatewaySignIn';
import { startIdp } from './idp';
import { REGION } from './world';

/** Runs a command to its end (at most 90 s), with no stdin, collecting its output. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGTERM'), 90_000);
    child.once('error', reject);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-smoke-'));
  const started = Date.now();
  const client = gatewayIdpClient();
  const idp = await startIdp({ serverClients: [client] });
  const aws = await startEmulator({ providers: [], roles: [] });
  const stops: (() => Promise<void>)[] = [() => aws.close(), () => idp.close()];
  try {
    // The upstream credential the gateway holds: keys the emulator's STS issued.
    const minted = (await (await fetch(`${aws.endpoint}/__aws/keys/mint`, { method: 'POST', body: JSON.stringify({ sessionName: 'claude-gateway' }) })).json()) as {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
    };
    const gateway = await startGateway({
      dir,
      idp: { issuer: idp.issuer, clientId: client.client_id, clientSecret: client.client_secret },
      bedrock: { endpoint: aws.endpoint, region: REGION, ...minted },
    });
    stops.unshift(() => gateway.stop());
    const discovery = (await (await fetch(`${gateway.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    console.log(`gateway ${gateway.url} ready in ${Date.now() - started} ms (initdb ${gateway.timings.initdb} ms, postgres ${gateway.timings.postgres} ms, gateway ${gateway.timings.gateway} ms)`);
    console.log(`discovery issuer: ${String(discovery.issuer)}`);
    console.log(`device_authorization_endpoint: ${String(discovery.device_authorization_endpoint)}`);

    // A developer signs in: the IdP logs in alice when the gateway sends the robot browser there.
    const signInStarted = Date.now();
    idp.queueLogin({ action: 'login', user: 'alice' });
    const tokens = await deviceSignIn(gateway.url);
    const home = path.join(dir, 'developer');
    const configDir = path.join(home, '.claude');
    const stored = writeGatewaySession(configDir, gateway.url, tokens);
    console.log(`signed in as alice in ${Date.now() - signInStarted} ms; session stored in ${stored} (keys enterpriseGateway, gatewayTrust)`);

    // Claude Code with this extension's kind of Bedrock environment: the gateway session wins.
    const work = path.join(home, 'work');
    mkdirSync(work, { recursive: true });
    const ownKeyId = 'developer-own-key-id';
    const before = aws.calls.length;
    const cliStarted = Date.now();
    // Not spawnSync: the emulator answers from this process's event loop.
    const cli = await run(CLAUDE_BIN, ['-p', 'Say hi', '--max-turns', '1', '--model', 'claude-sonnet-4-5-20250929'], work, {
        PATH: process.env.PATH,
        HOME: home,
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CODE_USE_BEDROCK: '1',
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: ownKeyId,
        AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    });
    const reached = aws.calls.slice(before).filter((c) => c.service === 'bedrock' && c.status === 200);
    console.log(`claude -p (${Date.now() - cliStarted} ms, exit ${cli.status ?? cli.signal}): ${cli.stdout.trim() || cli.stderr.trim().slice(-400)}`);
    console.log(`emulator saw ${reached.length} Bedrock call(s) answered 200: ${reached.map((c) => `${c.action} ${c.subject} with ${c.accessKeyId}`).join('; ')}`);
    if (cli.status !== 0 || reached.length === 0) throw new Error('claude -p did not reach the emulator through the gateway');
    if (reached.some((c) => c.accessKeyId !== minted.accessKeyId)) throw new Error('a Bedrock call used other keys than the gateway\'s');
    console.log(`the developer's own AWS key ${ownKeyId} was not used: the gateway session outranks CLAUDE_CODE_USE_BEDROCK=1`);

    if (process.argv.includes('--hold')) {
      // For trying things by hand: keep everything up until Ctrl-C (or SIGTERM to this PID).
      console.log(`holding: idp ${idp.issuer} aws ${aws.endpoint} dir ${dir} (pid ${process.pid})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => console.error(`stop: ${String(error)}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : String(error));
    process.exit(1);
  },
);
