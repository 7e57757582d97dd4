// What the integration tests share: the extension's test API, the harness's control APIs (IdP,
// AWS emulator, the browser showing the workbench), settings, waiting with deadlines, and the
// set-ups suites would otherwise each write again (a federation, terminals, Claude Code's
// settings file, the credentials endpoint as a terminal asks it).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestApi } from './extensionUnderTest';
import type { IdpFaults, IssuedTokens, LoginDecision } from '../support/idp';
import type { FaultRule, RecordedCall } from '../support/aws/emulator';
import type { AnswerUsage } from '../support/aws/bedrock';
import type { IssuedKey } from '../support/aws/sts';

export const EXTENSION_ID = 'claude-bedrock.claude-bedrock';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration tests through npm run test:integration.`);
  return value;
}

export const harness = {
  /** The browser bridge exists in the web harness; desktop runs (test-electron) have none. */
  hasBrowserBridge: () => Boolean(process.env.CB_TEST_BRIDGE),
  idpOrigin: () => env('CB_TEST_IDP'),
  issuer: () => env('CB_TEST_ISSUER'),
  aws: () => env('CB_TEST_AWS'),
  bridge: () => env('CB_TEST_BRIDGE'),
  userDataDir: () => env('CB_TEST_USER_DATA'),
  serverDataDir: () => env('CB_TEST_SERVER_DATA'),
  redirectPort: () => Number(env('CB_TEST_REDIRECT_PORT')),
  /** The home folder of the VS Code server, its terminals and the CLIs the tests start. */
  home: () => env('CB_TEST_HOME'),
  claude: () => env('CB_TEST_CLAUDE'),
  whoami: () => env('CB_TEST_WHOAMI'),
  /**
   * The folder the server and its terminals see as /etc/claude-code, where Claude Code reads
   * managed settings; undefined where the harness cannot place one (not root: see
   * test/support/vscode.ts, systemFolderCommand).
   */
  managedSettings: (): string | undefined => process.env.CB_TEST_MANAGED || undefined,
};

export async function api(): Promise<TestApi> {
  const extension = vscode.extensions.getExtension<TestApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const exports = await extension.activate();
  assert.ok(exports?.ready, 'the extension under test is the test build (out/extension, from esbuild.mjs --tests)');
  await exports.ready;
  return exports;
}

/** Polls `probe` until it returns something truthy, or fails with `what` after the deadline. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function call<T>(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const idp = {
  login: (user: string) => call(harness.idpOrigin(), 'POST', '/__idp/login', { action: 'login', user } satisfies LoginDecision),
  deny: () => call(harness.idpOrigin(), 'POST', '/__idp/login', { action: 'deny' } satisfies LoginDecision),
  /** The next sign-in meets the login form and nobody fills it in. */
  wait: () => call(harness.idpOrigin(), 'POST', '/__idp/login', { action: 'wait' } satisfies LoginDecision),
  faults: (faults: IdpFaults) => call(harness.idpOrigin(), 'POST', '/__idp/faults', faults),
  revoke: () => call<{ revoked: number }>(harness.idpOrigin(), 'POST', '/__idp/revoke'),
  reset: () => call(harness.idpOrigin(), 'POST', '/__idp/reset'),
  issued: () => call<IssuedTokens>(harness.idpOrigin(), 'GET', '/__idp/issued'),
  authorizations: () => call<Record<string, string>[]>(harness.idpOrigin(), 'GET', '/__idp/authorizations'),
  /** How many login decisions no browser has met yet. */
  queued: async () => (await call<{ queued: number }>(harness.idpOrigin(), 'GET', '/__idp/queued')).queued,
};

/** The calls the emulator recorded after `mark` (from `aws.mark()`); only `service`'s when one is named. */
async function callsSince(mark: number, service?: string): Promise<RecordedCall[]> {
  const calls = (await call<RecordedCall[]>(harness.aws(), 'GET', '/__aws/calls')).slice(mark);
  return service === undefined ? calls : calls.filter((c) => c.service === service);
}

export const aws = {
  faults: (rules: FaultRule[]) => call(harness.aws(), 'POST', '/__aws/faults', { rules }),
  /** Takes back every fault rule not yet used up. */
  clearFaults: () => call(harness.aws(), 'DELETE', '/__aws/faults'),
  shortLived: (seconds: number, times = 1) => call(harness.aws(), 'POST', '/__aws/sts/short-lived', { seconds, times }),
  calls: () => call<RecordedCall[]>(harness.aws(), 'GET', '/__aws/calls'),
  /** How many calls the emulator has recorded so far: the mark `since` counts from. */
  mark: () => call<RecordedCall[]>(harness.aws(), 'GET', '/__aws/calls').then((calls) => calls.length),
  /** The calls recorded after `mark`; only `service`'s (bedrock, sts, cognito-identity, …) when one is named. */
  since: callsSince,
  keys: () => call<IssuedKey[]>(harness.aws(), 'GET', '/__aws/keys'),
  reset: () => call(harness.aws(), 'POST', '/__aws/reset'),
  /** Keys for the harness itself (seeding CloudWatch), from the emulator. */
  mintKey: () => call<IssuedKey>(harness.aws(), 'POST', '/__aws/keys/mint', {}),
  /** Makes STS treat these keys as expired from now on. */
  expireKey: (accessKeyId: string) => call(harness.aws(), 'POST', '/__aws/keys/expire', { accessKeyId }),
  denyCloudWatch: (actions: string[]) => call(harness.aws(), 'POST', '/__aws/cloudwatch/denied', { actions }),
  /** The quota API's policies, by email (or by subject for a sign-in without one). */
  quotaPolicies: (policies: Record<string, { monthly_limit: number; daily_limit: number; blocked?: string; message?: string }>) =>
    call(harness.aws(), 'POST', '/__aws/quota/policies', { policies }),
  /** Every IAM Identity Center token and client secret issued in the run. */
  ssoIssued: () => call<string[]>(harness.aws(), 'GET', '/__aws/sso/issued'),
  /** IAM Identity Center: ends every session it gave (access and refresh tokens). */
  ssoRevoke: () => call(harness.aws(), 'POST', '/__aws/sso/revoke'),
  /** IAM Identity Center: who signs in next at its login page (or 'deny'). */
  ssoLogin: (user: string) => call(harness.aws(), 'POST', '/__aws/sso/login', user === 'deny' ? { action: 'deny' } : { action: 'login', user }),
  /** Makes the emulated account less than ready (see aws/bedrock.ts). */
  bedrockSwitches: (switches: { notEntitled?: string[]; noAgreement?: string[]; denied?: string[] }) =>
    call(harness.aws(), 'POST', '/__aws/bedrock/switches', switches),
  /** What Bedrock answers every conversation with. */
  reply: (text: string) => call(harness.aws(), 'POST', '/__aws/bedrock/reply', { text }),
  /** The usage every Bedrock answer reports (cache fields included); undefined: counted from the text. */
  usage: (usage: AnswerUsage | undefined) => call(harness.aws(), 'POST', '/__aws/bedrock/usage', { usage }),
  /** Lets go of the requests held by 'hold' faults; how many there were. */
  release: () => call<{ released: number }>(harness.aws(), 'POST', '/__aws/release'),
  held: () => call<{ held: number; hung: number }>(harness.aws(), 'GET', '/__aws/held'),
  /** Sets the emulated AWS clock this far ahead of the machine's (negative: behind). */
  clock: (skewSeconds: number) => call(harness.aws(), 'POST', '/__aws/clock', { skewSeconds }),
};

/** What an element of the workbench shows a user. */
export interface Inspected {
  readonly text: string;
  readonly links: readonly { readonly text: string; readonly href: string }[];
  readonly icons: readonly string[];
}

export const ui = {
  /** The notifications in the window's notification center, as a user reads them there. */
  notifications: async () => {
    await vscode.commands.executeCommand('notifications.showList');
    return call<string[]>(harness.bridge(), 'GET', '/ui/notifications');
  },
  clickNotificationButton: async (label: string) => {
    await vscode.commands.executeCommand('notifications.showList');
    return call(harness.bridge(), 'POST', '/ui/notification-button', { label });
  },
  /** The text of the modal dialog in front (message, detail and buttons); rejects when none is open. */
  dialog: () => call<{ text: string }>(harness.bridge(), 'GET', '/ui/dialog').then((r) => r.text),
  clickDialogButton: (label: string) => call(harness.bridge(), 'POST', '/ui/dialog-button', { label }),
  popups: () => call<string[]>(harness.bridge(), 'GET', '/ui/popups'),
  closePopups: () => call(harness.bridge(), 'POST', '/ui/close-popups'),
  screenshot: (name: string) => call(harness.bridge(), 'POST', '/ui/screenshot', { name }),
  /** Opens another window of VS Code on the same folder, with the extension; returns its number. */
  openWindow: () => call<{ index: number }>(harness.bridge(), 'POST', '/ui/open-window'),
  /** Runs a command from the command palette of window `index` (by its title), without waiting for it. */
  windowCommand: (index: number, command: string) => call(harness.bridge(), 'POST', '/ui/window-command', { index, command }),
  windowStatusBar: (index: number) => call<{ text: string }>(harness.bridge(), 'POST', '/ui/window-statusbar', { index }),
  closeWindows: () => call(harness.bridge(), 'POST', '/ui/close-windows'),
  /** Text of an element of the webview in front, as the page shows it. */
  webviewText: (selector: string) => call<{ text: string }>(harness.bridge(), 'POST', '/ui/webview-text', { selector }).then((r) => r.text),
  webviewLines: (selector: string) => call<{ lines: number }>(harness.bridge(), 'POST', '/ui/webview-lines', { selector }).then((r) => r.lines),
  webviewClick: (selector: string) => call(harness.bridge(), 'POST', '/ui/webview-click', { selector }),
  /** Injects an inline script and a remote image into the webview in front; reports what CSP did. */
  webviewAttack: () => call<{ inlineScriptRan: boolean; violations: string[] }>(harness.bridge(), 'POST', '/ui/webview-attack', {}),
  /** Posts messages from the webview in front to its extension, as its page could. */
  webviewPostMessages: (messages: unknown[]) => call(harness.bridge(), 'POST', '/ui/webview-post', { messages }),
  /** Picks the item of the open quick pick whose row shows `text`. */
  quickPick: (text: string) => call(harness.bridge(), 'POST', '/ui/quick-pick', { text }),
  /** The entries of the Accounts menu. */
  accounts: () => call<string[]>(harness.bridge(), 'GET', '/ui/accounts'),
  /** What an element of the workbench shows: text, links (where each goes), icons; with `hover` (text it holds), of the hover it opens. */
  inspect: (selector: string, options: { hasText?: string; hover?: string } = {}) => call<Inspected>(harness.bridge(), 'POST', '/ui/inspect', { selector, ...options }),
  /** The Accounts menu's entries, with the icons and links drawn in each. */
  accountsInspect: () => call<{ text: string; icons: number; links: number }[]>(harness.bridge(), 'GET', '/ui/accounts-inspect'),
  /** Opens the Accounts menu and chooses the account's Sign Out. */
  accountsMenuSignOut: (account: string) => call(harness.bridge(), 'POST', '/ui/accounts-sign-out', { account }),
};

const SECTION = 'claudeBedrock';

/** Sets a setting where a user would: user (or remote machine) settings. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Settings the tests change, put back to what the harness configured. */
const original = new Map<string, unknown>();
export async function changeSetting(key: string, value: unknown): Promise<void> {
  if (!original.has(key)) original.set(key, vscode.workspace.getConfiguration(SECTION).inspect(key)?.globalValue);
  await setSetting(key, value);
}
/** Puts `keys` back after the test, for settings the extension itself writes (Choose Models, a fix). */
export function restoreAfterTest(...keys: string[]): void {
  for (const key of keys) if (!original.has(key)) original.set(key, vscode.workspace.getConfiguration(SECTION).inspect(key)?.globalValue);
}
export async function restoreSettings(): Promise<void> {
  for (const [key, value] of original) await setSetting(key, value);
  original.clear();
}

/** The extension's notifications since `from`, as text. */
export function messagesSince(testApi: TestApi, from: number): string[] {
  return testApi.notifications.slice(from).map((n) => n.message);
}

/** Waits for a notification matching `pattern` shown after index `from`. */
export async function expectNotification(testApi: TestApi, from: number, pattern: RegExp, timeoutMs = 15_000) {
  return waitFor(`a notification matching ${pattern}`, () => testApi.notifications.slice(from).find((n) => pattern.test(n.message)), timeoutMs);
}

/**
 * The extension under test for the suite this is called in: activated before its first test,
 * and, unless `fresh` says otherwise, started afresh (signed out, IdP and AWS reset, settings
 * restored, notifications cleared) before each test. Returns the test API to use in the tests.
 */
export function useExtension(options: { fresh?: 'eachTest' | 'once' } = {}): TestApi {
  let real: TestApi | undefined;
  before(async () => {
    real = await api();
    if (options.fresh === 'once') await freshStart(real);
  });
  if ((options.fresh ?? 'eachTest') === 'eachTest') beforeEach(async () => freshStart(real!));
  // Each test file is a bundle of its own, with its own record of the settings it changed: it
  // puts them back itself, before the next file starts.
  after(restoreSettings);
  return new Proxy({} as TestApi, {
    get(_, key: keyof TestApi) {
      if (!real) throw new Error('The test API is there once the suite has started: use it inside a test or hook.');
      const value = real[key];
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
  });
}

/** Signs out and clears everything a previous test may have left. */
export async function freshStart(testApi: TestApi): Promise<void> {
  await vscode.commands.executeCommand('claudeBedrock.signOut');
  await Promise.all([idp.reset(), aws.reset(), harness.hasBrowserBridge() ? ui.closePopups() : undefined]);
  await restoreSettings();
  await vscode.commands.executeCommand('notifications.clearAll');
  await waitFor('the signed-out state', () => testApi.state().kind === 'signedOut');
}

/** Queues a login at the IdP as `user`, runs Sign In, and waits for it to finish. */
export async function signInAs(user: string): Promise<{ signedIn: boolean }> {
  await idp.login(user);
  return (await vscode.commands.executeCommand('claudeBedrock.signIn')) as { signedIn: boolean };
}

/** What Bedrock answers every conversation with in the suite's tests (each test starts with the emulator reset). */
export function useBedrockReply(text: string): void {
  beforeEach(() => aws.reply(text));
}

/**
 * The suite signs in through a Cognito identity pool or IAM Identity Center rather than STS: the
 * setting is switched before each test, and put back when the suite ends.
 */
export function useFederation(federation: 'cognitoIdentityPool' | 'identityCenter'): void {
  beforeEach(() => changeSetting('federation', federation));
}

/** Queues a login at IAM Identity Center's page as `user`, runs Sign In, and waits for it to finish. */
export async function signInAtIdentityCenter(user: string): Promise<{ signedIn: boolean }> {
  await aws.ssoLogin(user);
  return (await vscode.commands.executeCommand('claudeBedrock.signIn')) as { signedIn: boolean };
}

type SignedIn = Extract<ReturnType<TestApi['state']>, { kind: 'signedIn' }>;

/** The session of the window, asserting there is one. */
export function signedInSession(testApi: TestApi): SignedIn['session'] {
  const state = testApi.state();
  assert.equal(state.kind, 'signedIn');
  return (state as SignedIn).session;
}

/** The access key ID of the window's session (asserting there is one): the key AWS sees its calls signed with. */
export function sessionKey(testApi: TestApi): string {
  return signedInSession(testApi).credentials.accessKeyId;
}

/** Terminals the tests of the suite open, closed after each test. */
export function useTerminals(): { open(options: string | vscode.TerminalOptions): vscode.Terminal; closeAfterTest(terminal: vscode.Terminal): void } {
  const opened: vscode.Terminal[] = [];
  afterEach(() => {
    for (const t of opened.splice(0)) t.dispose();
  });
  return {
    open: (options) => {
      const terminal = vscode.window.createTerminal(typeof options === 'string' ? { name: options } : options);
      opened.push(terminal);
      return terminal;
    },
    closeAfterTest: (terminal) => void opened.push(terminal),
  };
}

/** What a terminal holds to ask the credentials endpoint: its address and the terminal's token. */
export async function terminalEndpoint(testApi: TestApi): Promise<{ uri: string; token: string }> {
  const uri = (await testApi.endpointUri())!;
  return { uri, token: testApi.terminalEnvironment().AWS_CONTAINER_AUTHORIZATION_TOKEN };
}

/** Asks the credentials endpoint for keys as a terminal of the window does. */
export async function askEndpoint(testApi: TestApi): Promise<Response> {
  const { uri, token } = await terminalEndpoint(testApi);
  return fetch(uri, { headers: { authorization: token } });
}

/** An HTTP request on a connection of its own, as a client that keeps none alive sends it: the status and the body. */
export function request(uri: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string }> {
  const url = new URL(uri);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Claude Code's user settings in the test home: the file Connect Claude Code changes. */
export function claudeSettingsPath(): string {
  return path.join(harness.home(), '.claude', 'settings.json');
}

export interface ClaudeSettingsFile {
  readonly path: string;
  /** Its text, or undefined when there is none. */
  read(): Promise<string | undefined>;
  /** Writes `text` as the user would; undefined removes the file. */
  write(text: string | undefined): Promise<void>;
}

/**
 * For suites that connect Claude Code: every test starts disconnected, with no settings file in
 * the test home (the extension's file checked to be that one, never the real one's), and the
 * suite leaves neither behind.
 */
export function useClaudeSettingsFile(testApi: TestApi): ClaudeSettingsFile {
  const file: ClaudeSettingsFile = {
    get path() {
      return claudeSettingsPath();
    },
    read: () => fs.readFile(claudeSettingsPath(), 'utf8').catch(() => undefined),
    async write(text) {
      if (text === undefined) return fs.rm(claudeSettingsPath(), { force: true });
      await fs.mkdir(path.dirname(claudeSettingsPath()), { recursive: true });
      await fs.writeFile(claudeSettingsPath(), text);
    },
  };
  beforeEach(async () => {
    assert.equal(testApi.claudeSettingsFile(), claudeSettingsPath(), "the test home's, never the real one");
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    await file.write(undefined);
  });
  after(async () => {
    await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    await file.write(undefined);
  });
  return file;
}

/**
 * Sets claudeCodeIntegration as a platform team would and waits for the window to follow:
 * "always" connects Claude Code without the consent view, "never" takes the extension's entries out.
 */
export async function claudeCodeIntegration(testApi: TestApi, value: 'always' | 'never'): Promise<void> {
  await changeSetting('claudeCodeIntegration', value);
  if (value === 'always') await waitFor('Claude Code to be connected', () => testApi.claudeCodeConnected(), 30_000);
  else await waitFor('Claude Code to be disconnected', () => !testApi.claudeCodeConnected(), 30_000);
}

/** A command from Claude Code's settings (its comment lines left out), run as Claude Code runs it: through a shell. */
export async function settingsCommand(key: 'awsCredentialExport' | 'awsAuthRefresh'): Promise<ProcessRun> {
  const settings = JSON.parse((await fs.readFile(claudeSettingsPath(), 'utf8')).replace(/^\s*\/\/.*$/gm, '')) as Record<string, string>;
  return runProcess('/bin/sh', ['-c', settings[key]]);
}

/**
 * Asserts that nothing of a session is stored in SecretStorage. The editor's IAM Identity Center
 * registration is not a session's: it is kept until it expires, whoever signs in next.
 */
export async function assertNothingStored(testApi: TestApi): Promise<void> {
  const kept = (await testApi.storedSecretKeys()).filter((key) => !key.startsWith('claudeBedrock.ssoRegistration:'));
  assert.deepEqual(kept, [], 'SecretStorage still holds keys');
  assert.equal(await testApi.hasStoredSession(), false);
}

/** Runs a shell command in `terminal`; resolves with its exit code, stdout and stderr (written to files, not the screen). */
export async function runInTerminal(terminal: vscode.Terminal, command: string, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'terminal-run-'));
  const [out, err, code] = ['out', 'err', 'code'].map((n) => path.join(dir, n));
  terminal.sendText(`${command} > ${out} 2> ${err} < /dev/null; echo $? > ${code}.tmp && mv ${code}.tmp ${code}`);
  const exit = await waitFor(`"${command}" to finish`, async () => (await fs.readFile(code, 'utf8').catch(() => '')).trim(), timeoutMs);
  const result = { code: Number(exit), stdout: await fs.readFile(out, 'utf8'), stderr: await fs.readFile(err, 'utf8') };
  await fs.rm(dir, { recursive: true, force: true });
  return result;
}

export interface ProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A program run outside any terminal, in the test home, with the extension host's environment. */
export function runProcess(command: string, args: string[], timeoutMs = 120_000): Promise<ProcessRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: harness.home(), env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The CLI as the panel runs it: outside any terminal, the extension host's environment. */
export function claudeAsThePanel(): Promise<ProcessRun> {
  return runProcess(harness.claude(), ['-p', 'Say hello', '--output-format', 'json']);
}
