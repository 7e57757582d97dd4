// Starts the VS Code server build and opens its web workbench in headless Chromium, as
// ../shared/docs/vscode-test-harness.md describes. Used by the integration tests, the UI tests,
// the sandbox and the benchmark, all through startWorkbench and openPage.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startFrontProxy } from './frontProxy';
import { ensureVsCodeServer } from './install';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium off the network and quiet on these machines. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-popup-blocking',
  '--disable-dev-shm-usage',
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  readonly node: string;
  readonly serverMain: string;
  readonly serverDataDir: string;
  readonly userDataDir: string;
  /** Written to the user's settings.json and the remote machine's settings.json before start. */
  readonly userSettings?: Record<string, unknown>;
  readonly machineSettings?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  /**
   * The home folder of the server, its extension hosts and terminals, and every CLI started from
   * them: never the real one (Claude Code writes ~/.claude.json there, a shell its history).
   */
  readonly home: string;
  /** The port the browser uses (a free one when absent). */
  readonly port?: number;
  /** Every line the server prints. */
  readonly onOutput?: (line: string) => void;
  /**
   * A folder the server and everything it starts (extension hosts, terminals, Claude Code) see as
   * /etc/claude-code, where Claude Code reads managed settings on Linux: see systemFolderCommand.
   */
  readonly managedSettingsDir?: string;
}

/**
 * The script systemFolderCommand runs as root in a fresh mount namespace: $1 and $2 are the
 * overlay's upper and work folders, $3 the folder to show as /etc/claude-code, $4 an empty folder
 * that keeps the machine's /etc (with whatever is mounted inside it, such as a container's
 * /etc/hosts) reachable while the overlay covers it; the rest is the command to run.
 * Where /etc/claude-code already exists the folder is bound straight over it; otherwise /etc is
 * overlaid (its changes kept in scratch, so the machine's /etc is never written), the mounts that
 * were inside /etc are bound back into the overlay, and the folder is bound at /etc/claude-code.
 */
const SYSTEM_FOLDER_SCRIPT = `set -e
upper=$1 work=$2 managed=$3 orig=$4
shift 4
if [ ! -d /etc/claude-code ]; then
  inner=$(awk '$5 ~ /^\\/etc\\// { print $5 }' /proc/self/mountinfo)
  mount --rbind /etc "$orig"
  mount -t overlay overlay -o "lowerdir=/etc,upperdir=$upper,workdir=$work" /etc
  for target in $inner; do
    source="$orig\${target#/etc}"
    if [ -d "$source" ]; then mkdir -p "$target"; else mkdir -p "$(dirname "$target")"; [ -e "$target" ] || : > "$target"; fi
    mount --bind "$source" "$target"
  done
  mkdir -p /etc/claude-code
fi
mount --bind "$managed" /etc/claude-code
exec "$@"`;

let systemFolderProbe: boolean | undefined;

/**
 * Whether systemFolderCommand can place a folder at /etc/claude-code here: Linux, as root, with
 * mount namespaces allowed (a container may forbid them). Tried once, with `true` as the command.
 */
export function systemFolderAvailable(): boolean {
  if (systemFolderProbe === undefined) {
    systemFolderProbe = false;
    if (process.platform === 'linux' && process.getuid?.() === 0) {
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'cb-etc-probe-'));
      const managed = path.join(scratch, 'managed');
      mkdirSync(managed);
      const command = systemFolderScript(['sh', '-c', 'test -d /etc/claude-code'], managed, scratch);
      systemFolderProbe = spawnSync(command[0], command.slice(1), { stdio: 'ignore', timeout: 10_000 }).status === 0;
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return systemFolderProbe;
}

function systemFolderScript(command: readonly string[], managedSettingsDir: string, scratch: string): string[] {
  const folders = ['etc-upper', 'etc-work', 'etc-orig'].map((name) => path.join(scratch, name));
  for (const folder of folders) mkdirSync(folder, { recursive: true });
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', SYSTEM_FOLDER_SCRIPT, 'sh', folders[0], folders[1], managedSettingsDir, folders[2], ...command];
}

/**
 * The command that starts `command` in a private mount namespace where `managedSettingsDir` is
 * /etc/claude-code (see SYSTEM_FOLDER_SCRIPT), with `scratch` holding the overlay's own folders.
 * Where that cannot be done (not root, not Linux, no mount namespaces) undefined, and the tests
 * that need the system location say they were skipped and why.
 */
export function systemFolderCommand(command: readonly string[], managedSettingsDir: string, scratch: string): string[] | undefined {
  return systemFolderAvailable() ? systemFolderScript(command, managedSettingsDir, scratch) : undefined;
}

export interface VsCodeServer {
  /** Where the browser goes: the front proxy (see frontProxy.ts) before the server. */
  readonly port: number;
  readonly origin: string;
  /**
   * The connection token: nothing is served without it (the `tkn` query parameter, or the
   * `vscode-tkn` cookie the server sets when a page is opened with it). Random for each start.
   */
  readonly connectionToken: string;
  /** The server itself, behind the front proxy (also on 127.0.0.1, and also asking for the token). */
  readonly serverPort: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function writeSettings(userDataDir: string, user: Record<string, unknown>, machine: Record<string, unknown>): void {
  for (const [folder, settings] of [
    ['User', user],
    ['Machine', machine],
  ] as const) {
    mkdirSync(path.join(userDataDir, folder), { recursive: true });
    writeFileSync(path.join(userDataDir, folder, 'settings.json'), JSON.stringify(settings, null, 2));
  }
}

/**
 * Starts the server with a connection token of its own: any user of the machine can connect to
 * 127.0.0.1, and a page of any site can reach it through DNS rebinding (a name of the site that
 * resolves to 127.0.0.1), and whoever gets a workbench gets a terminal, a shell as the developer.
 * The token is in a file only this user can read (--connection-token-file), never on a command line
 * other users can list.
 */
async function startVsCodeServer(options: ServerOptions): Promise<VsCodeServer> {
  const port = await freePort();
  mkdirSync(options.home, { recursive: true });
  writeSettings(options.userDataDir, options.userSettings ?? {}, options.machineSettings ?? {});
  const connectionToken = randomBytes(32).toString('base64url');
  const tokenFile = path.join(options.serverDataDir, 'connection-token');
  mkdirSync(options.serverDataDir, { recursive: true, mode: 0o700 });
  writeFileSync(tokenFile, connectionToken, { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  const serverCommand = [
    options.node,
    options.serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--connection-token-file',
    tokenFile,
    '--enable-smoke-test-driver',
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--server-data-dir',
    options.serverDataDir,
    '--user-data-dir',
    options.userDataDir,
  ];
  // unshare and sh exec the server in their own process, so child.pid is the server's.
  const [program, ...args] = (options.managedSettingsDir && systemFolderCommand(serverCommand, options.managedSettingsDir, options.serverDataDir)) || serverCommand;
  const child = spawn(program, args, {
    env: { ...process.env, ...options.env, HOME: options.home },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    const onData = (data: Buffer) => {
      buffered += data.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        options.onOutput?.(line);
        if (line.includes(`listening on ${port}`)) resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`The VS Code server exited (code ${code}) before it listened.`)));
  });
  const proxy = await startFrontProxy(port, connectionToken, options.port);
  return {
    port: proxy.port,
    origin: proxy.origin,
    connectionToken,
    serverPort: port,
    process: child,
    async stop() {
      await proxy.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        // The server's process group: the server and the extension hosts it started.
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      const killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}

/** Where a workbench's VS Code keeps everything, below one folder. */
export interface WorkbenchFolders {
  /** The folder the workbench opens. */
  readonly workspace: string;
  /** The home folder of the server, its extension hosts, terminals and CLIs. */
  readonly home: string;
  readonly userDataDir: string;
  /** The server's own data, its connection token among it: this user's alone. */
  readonly serverDataDir: string;
}

/** The folders of a workbench below `dir`, made, for what the caller puts in them before it starts. */
export function workbenchFolders(dir: string): WorkbenchFolders {
  const folders = {
    workspace: path.join(dir, 'workspace'),
    home: path.join(dir, 'home'),
    userDataDir: path.join(dir, 'user'),
    serverDataDir: path.join(dir, 'server'),
  };
  for (const folder of [folders.workspace, folders.home, folders.userDataDir]) mkdirSync(folder, { recursive: true });
  mkdirSync(folders.serverDataDir, { recursive: true, mode: 0o700 });
  return folders;
}

export interface WorkbenchOptions extends Pick<ServerOptions, 'userSettings' | 'machineSettings' | 'env' | 'port' | 'onOutput' | 'managedSettingsDir'> {
  /** VSIX files installed into the server before it starts. */
  readonly extensions?: readonly string[];
  /** Keeps the installs' output off the terminal. */
  readonly quiet?: boolean;
}

export interface Workbench extends WorkbenchFolders {
  readonly server: VsCodeServer;
  /** The workbench on its workspace, with the connection token. */
  readonly url: string;
}

/** Installs a VSIX into the server's data, as `code --install-extension` does. */
function installExtension(node: string, serverMain: string, folders: WorkbenchFolders, vsix: string, quiet: boolean): Promise<void> {
  const args = [serverMain, '--install-extension', vsix, '--force', '--server-data-dir', folders.serverDataDir, '--user-data-dir', folders.userDataDir, '--accept-server-license-terms'];
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Installing ${vsix} into the VS Code server exited with ${code}.`))));
  });
}

/**
 * The VS Code server every harness here runs (the integration tests, the sandbox and its UI
 * tests, the benchmark): the server build (installed once), `extensions` installed, its own
 * connection token and home folder, and a workbench that opens on the workspace with no start-up
 * editor and without asking about workspace trust (`userSettings` may turn trust on).
 */
export async function startWorkbench(folders: WorkbenchFolders, options: WorkbenchOptions = {}): Promise<Workbench> {
  const { node, serverMain } = await ensureVsCodeServer();
  for (const vsix of options.extensions ?? []) await installExtension(node, serverMain, folders, vsix, options.quiet ?? false);
  const server = await startVsCodeServer({
    ...options,
    node,
    serverMain,
    serverDataDir: folders.serverDataDir,
    userDataDir: folders.userDataDir,
    home: folders.home,
    userSettings: { 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', ...options.userSettings },
  });
  return { ...folders, server, url: workbenchUrl(server, folders.workspace) };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Headless Chromium gives no page the focus; VS Code polls only in a focused window. */
export async function emulateFocus(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
}

/**
 * A page for a workbench, in a browser context of its own (1400×900): `focus`, as if its window
 * had the focus; `permissions`, what the context grants its pages (the clipboard, say).
 */
export async function openPage(browser: Browser, options: { focus?: boolean; permissions?: string[] } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: options.permissions });
  const page = await context.newPage();
  if (options.focus) await emulateFocus(context, page);
  return { context, page };
}

/**
 * The workbench's address for `folder`, with the connection token (the server answers it with its
 * cookie and the same address without the token) and the development payload, if any.
 */
export function workbenchUrl(server: VsCodeServer, folder: string, payload?: [string, string][]): string {
  const query = new URLSearchParams({ folder, tkn: server.connectionToken });
  if (payload) query.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${query.toString()}`;
}

/** The workbench URL that runs an extension's tests (the development payload). */
export function testUrl(server: VsCodeServer, folder: string, extensionPath: string, testsPath: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  return workbenchUrl(server, folder, [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
  ]);
}

/** A workbench URL with the extension under development loaded, and no tests. */
export function devWindowUrl(server: VsCodeServer, folder: string, extensionPath: string): string {
  return workbenchUrl(server, folder, [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${extensionPath}`]]);
}
