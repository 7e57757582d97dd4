// The real Claude apps gateway (`claude gateway --config gateway.yaml`, from the CLI package the
// project installs) for tests, in front of the test IdP and the AWS emulator's Bedrock, with its
// own PostgreSQL cluster in the test's folder.
//
// - PostgreSQL: the Debian server binaries (package `postgresql`), `initdb` then `postgres` on a
//   free 127.0.0.1 port, its socket folder inside `dir`, trust authentication (nothing else can
//   reach it). Postgres refuses to run as root: when the harness is root, the cluster's folder is
//   given to the `postgres` system user and the server is spawned with that uid and gid.
// - The gateway: an http://127.0.0.1 listener and issuer, which it accepts only with
//   CLAUDE_GATEWAY_ALLOW_LOOPBACK=1; it is ready when /.well-known/oauth-authorization-server
//   answers. The IdP must know it as a confidential client with a loopback /oauth/callback
//   redirect: see gatewayIdpClient() and startIdp({ serverClients }).
// - Every process gets a home of its own inside `dir`, and an environment built here (no AWS_*,
//   no ANTHROPIC_* from whoever runs the tests). stop() ends what it started, by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ServerClient } from './idp';
import { ROOT } from './paths';

export const POSTGRES_BIN = process.env.CLAUDE_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
export const CLAUDE_BIN = path.join(ROOT, 'node_modules', '.bin', 'claude');
/** The gateway's callback at the IdP (oidc-provider matches a loopback redirect on any port). */
export const GATEWAY_CALLBACK = 'http://127.0.0.1/oauth/callback';

/** The client the gateway signs developers in with: pass it to startIdp({ serverClients: [..] }). */
export function gatewayIdpClient(clientId = 'claude-apps-gateway'): ServerClient {
  return { client_id: clientId, client_secret: randomBytes(24).toString('hex'), redirect_uris: [GATEWAY_CALLBACK] };
}

export interface GatewayOptions {
  readonly idp: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string };
  readonly bedrock: {
    readonly endpoint: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** A folder of the test's own: the cluster, the config, the homes and the logs go in it. */
  readonly dir: string;
  /** Extra top-level YAML appended to gateway.yaml (managed policies, models...). */
  readonly extraYaml?: string;
  /** How long start-up may take, PostgreSQL and the gateway together. */
  readonly timeoutMs?: number;
}

export interface Gateway {
  /** http://127.0.0.1:<port>, no trailing slash. */
  readonly url: string;
  readonly configPath: string;
  readonly postgresUrl: string;
  /** How long each part took to start, in milliseconds. */
  readonly timings: { readonly initdb: number; readonly postgres: number; readonly gateway: number };
  /** The gateway's output so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The postgres system user, when the harness runs as root (postgres refuses root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, and there is no postgres user to run PostgreSQL as (apt-get install postgresql)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A clean environment: PATH and a home of its own, nothing from the caller's AWS or Anthropic setup. */
function baseEnv(home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', TMPDIR: path.join(home, 'tmp') };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Ends a child we started, by its PID: `signal` first, SIGKILL if it is still there after `graceMs`. */
async function end(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = exited(child);
  process.kill(child.pid, signal);
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Polls `check` until it is true, the child has exited, or the deadline passes. */
async function until(what: string, deadline: number, child: ChildProcess, log: () => string, check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode}) before it was ready\n${log().slice(-4000)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready in time\n${log().slice(-4000)}`);
    await sleep(100);
  }
}

const q = (value: string | number) => JSON.stringify(value);

export function gatewayYaml(o: {
  port: number;
  idp: GatewayOptions['idp'];
  bedrock: GatewayOptions['bedrock'];
  postgresUrl: string;
  jwtSecret: string;
  extraYaml?: string;
}): string {
  const auth = [
    `      aws_access_key_id: ${q(o.bedrock.accessKeyId)}`,
    `      aws_secret_access_key: ${q(o.bedrock.secretAccessKey)}`,
    ...(o.bedrock.sessionToken ? [`      aws_session_token: ${q(o.bedrock.sessionToken)}`] : []),
  ];
  return [
    '# Written by test/support/gateway.ts for one test run.',
    'listen:',
    '  host: 127.0.0.1',
    `  port: ${o.port}`,
    'oidc:',
    `  issuer: ${q(o.idp.issuer)}`,
    `  client_id: ${q(o.idp.clientId)}`,
    `  client_secret: ${q(o.idp.clientSecret)}`,
    'session:',
    `  jwt_secret: ${q(o.jwtSecret)}`,
    'store:',
    `  postgres_url: ${q(o.postgresUrl)}`,
    'upstreams:',
    '  - provider: bedrock',
    `    region: ${q(o.bedrock.region)}`,
    `    base_url: ${q(o.bedrock.endpoint)}`,
    '    auth:',
    ...auth,
    ...(o.extraYaml ? [o.extraYaml.trimEnd()] : []),
    '',
  ].join('\n');
}

async function startPostgres(dir: string, deadline: number): Promise<{ child: ChildProcess; url: string; initdbMs: number; log: () => string }> {
  const owner = postgresUser();
  const pgDir = path.join(dir, 'postgres');
  const data = path.join(pgDir, 'data');
  const socket = path.join(pgDir, 'socket');
  const home = path.join(pgDir, 'home');
  mkdirSync(socket, { recursive: true });
  mkdirSync(path.join(home, 'tmp'), { recursive: true });
  if (owner) {
    // The postgres user must get through `dir` to its own folder, and own that folder.
    chmodSync(dir, 0o711);
    for (const p of [pgDir, socket, home, path.join(home, 'tmp')]) chownSync(p, owner.uid, owner.gid);
  }
  const env = { ...baseEnv(home), PGTZ: 'UTC' };
  const started = Date.now();
  const init = spawnSync(path.join(POSTGRES_BIN, 'initdb'), ['-D', data, '-U', 'gateway', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
    env,
    cwd: pgDir,
    encoding: 'utf8',
    timeout: Math.max(1000, deadline - Date.now()),
    ...(owner ?? {}),
  });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.error?.message}`);
  const initdbMs = Date.now() - started;

  const port = await freePort();
  const logPath = path.join(pgDir, 'postgres.log');
  const out = openSync(logPath, 'a');
  if (owner) chownSync(logPath, owner.uid, owner.gid);
  const child = spawn(
    path.join(POSTGRES_BIN, 'postgres'),
    ['-D', data, '-p', String(port), '-k', socket, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off'],
    { env, cwd: pgDir, stdio: ['ignore', out, out], ...(owner ?? {}) },
  );
  closeSync(out);
  let spawnError = '';
  child.once('error', (error) => (spawnError = `could not start postgres: ${error.message}\n`));
  const log = () => spawnError + (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  await until('PostgreSQL', deadline, child, log, async () => {
    const ready = spawnSync(path.join(POSTGRES_BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'gateway', '-d', 'postgres'], { env, timeout: 5000 });
    return ready.status === 0;
  });
  return { child, url: `postgres://gateway@127.0.0.1:${port}/postgres?sslmode=disable`, initdbMs, log };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  mkdirSync(options.dir, { recursive: true });
  const t0 = Date.now();
  const pg = await startPostgres(options.dir, deadline);
  const pgMs = Date.now() - t0;

  let gateway: ChildProcess | undefined;
  try {
    const port = await freePort();
    const configPath = path.join(options.dir, 'gateway.yaml');
    writeFileSync(
      configPath,
      gatewayYaml({ port, idp: options.idp, bedrock: options.bedrock, postgresUrl: pg.url, jwtSecret: randomBytes(32).toString('hex'), extraYaml: options.extraYaml }),
      { mode: 0o600 },
    );
    const home = path.join(options.dir, 'gateway-home');
    mkdirSync(path.join(home, 'tmp'), { recursive: true });
    const env = {
      ...baseEnv(home),
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      CLAUDE_GATEWAY_ALLOW_LOOPBACK: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    const t1 = Date.now();
    const child = spawn(CLAUDE_BIN, ['gateway', '--config', configPath], { env, cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    gateway = child;
    let output = '';
    child.once('error', (error) => (output += `\ncould not start ${CLAUDE_BIN}: ${error.message}\n`));
    child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const url = `http://127.0.0.1:${port}`;
    await until('Claude apps gateway', deadline, child, () => output, async () => {
      const res = await fetch(`${url}/.well-known/oauth-authorization-server`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.ok;
    });
    const gatewayMs = Date.now() - t1;
    let stopped: Promise<void> | undefined;
    return {
      url,
      configPath,
      postgresUrl: pg.url,
      timings: { initdb: pg.initdbMs, postgres: pgMs - pg.initdbMs, gateway: gatewayMs },
      log: () => output,
      stop: () =>
        (stopped ??= (async () => {
          await end(child, 'SIGTERM', 10_000);
          // SIGINT: PostgreSQL's fast shutdown (ends sessions, checkpoints, exits).
          await end(pg.child, 'SIGINT', 10_000);
        })()),
    };
  } catch (error) {
    if (gateway) await end(gateway, 'SIGTERM', 5000);
    await end(pg.child, 'SIGINT', 5000);
    throw error;
  }
}
