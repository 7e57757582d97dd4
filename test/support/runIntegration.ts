// npm run test:integration: the extension's integration tests inside a real VS Code.
//
// Starts the IdP and the AWS emulator, the VS Code server with the extension under development,
// and headless Chromium showing the workbench with the test payload; VS Code runs
// out/test/integration/index.js in its extension host and reports the exit code back.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { startBridge } from './bridge';
import { CACHE, EXTENSION_UNDER_TEST, ROOT } from './paths';
import { devWindowUrl, freePort, launchBrowser, openPage, startWorkbench, systemFolderAvailable, testUrl, workbenchFolders } from './vscode';
import { terminalEnv, writeTerminalHome } from './testHome';
import { OWN_SESSION, settingsFor, startWorld, type World } from './world';

const SUITE_DEADLINE_MS = 30 * 60_000;

/** The extension's ID, publisher.name: the folder of its log in each extension host's logs. */
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
const EXTENSION_ID = `${PACKAGE.publisher}.${PACKAGE.name}`;

export const HOSTILE_WORKSPACE_SETTINGS = {
  'claudeBedrock.issuer': 'https://login.evil.example/',
  'claudeBedrock.clientId': 'evil-client',
  'claudeBedrock.roleArn': 'arn:aws:iam::999999999999:role/Evil',
  'claudeBedrock.stsEndpoint': 'https://sts.evil.example',
  'claudeBedrock.federation': 'cognitoIdentityPool',
  'claudeBedrock.identityPoolId': 'us-east-1:00000000-0000-0000-0000-0000000e7115',
  'claudeBedrock.cognitoEndpoint': 'https://cognito.evil.example',
  'claudeBedrock.quotaApiUrl': 'https://quota.evil.example/check',
  'claudeBedrock.redirectPort': 9999,
};

const REPORT_MARK = '[mocha] ';

/** Mocha's report, which the tests' index marks, out of the page's console. */
function reportLine(message: ConsoleMessage): string | undefined {
  const text = message.text();
  const at = text.indexOf(REPORT_MARK);
  return at < 0 ? undefined : text.slice(at + REPORT_MARK.length);
}

/**
 * The lines of `sources` that hold a token or key issued during the run (or 20 characters of
 * one), each named by its source and shown with the secret blotted out.
 */
function leaksIn(sources: Record<string, string[]>, world: World): string[] {
  const secrets = [
    ...world.idp.issued.idTokens,
    ...world.idp.issued.accessTokens,
    ...world.idp.issued.refreshTokens,
    ...[...world.aws.sts.keys.values()].filter((k) => k.sessionName !== OWN_SESSION).flatMap((k) => [k.accessKeyId, k.secretAccessKey, k.sessionToken]),
  ];
  const found: string[] = [];
  for (const [source, lines] of Object.entries(sources)) {
    lines.forEach((line, index) => {
      let shown = line;
      let hit = false;
      for (const secret of secrets) {
        for (const part of [secret, secret.slice(0, 20), secret.slice(-20)]) {
          if (shown.includes(part)) {
            shown = shown.split(part).join('[ISSUED SECRET]');
            hit = true;
          }
        }
      }
      if (hit) found.push(`${source} line ${index + 1}: ${shown.slice(0, 400)}`);
    });
  }
  return found;
}

/** The extension's log channel in each extension host the server started, oldest first. */
function extensionLogs(userDataDir: string): string[] {
  const root = path.join(userDataDir, 'logs');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const session of readdirSync(root).sort()) {
    for (const host of readdirSync(path.join(root, session)).filter((name) => name.startsWith('exthost')).sort()) {
      const log = path.join(root, session, host, EXTENSION_ID, 'Claude Bedrock.log');
      if (existsSync(log)) found.push(log);
    }
  }
  return found;
}

async function main(): Promise<number> {
  const started = Date.now();
  // Short: the windows' hub socket then fits in the extension's global storage, as on a
  // developer's machine (a Unix socket path has at most 103 bytes everywhere).
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cb-it-'));
  const folders = workbenchFolders(tmp);
  const { workspace, home, userDataDir, serverDataDir } = folders;
  const screenshots = path.join(CACHE, 'screenshots');
  mkdirSync(screenshots, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), '# A project\n');
  // A repository that tries to send its developers' sign-in elsewhere. Every test runs with it.
  mkdirSync(path.join(workspace, '.vscode'));
  writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(HOSTILE_WORKSPACE_SETTINGS, null, 2));

  // Claude Code's managed settings as the server sees them (/etc/claude-code): empty unless a test
  // writes there.
  const managedSettingsDir = path.join(tmp, 'managed');
  mkdirSync(managedSettingsDir);
  if (!systemFolderAvailable()) {
    console.log("Claude Code's managed-settings tests will be skipped: placing a folder at /etc/claude-code needs root and mount namespaces on Linux.");
  }

  const world = await startWorld();
  const ownKey = world.aws.sts.mintKey('arn:aws:iam::123456789012:role/DeveloperOwn', OWN_SESSION);
  writeTerminalHome(home, ownKey);
  const serverLog: string[] = [];
  const consoleText: string[] = [];
  let page: Page | undefined;
  let context: BrowserContext | undefined;
  let windowUrl = '';
  const bridge = await startBridge(() => page, () => context, screenshots, () => windowUrl);
  const redirectPort = await freePort();
  const { server } = await startWorkbench(folders, {
    userSettings: { 'terminal.integrated.defaultProfile.linux': 'bash' },
    machineSettings: settingsFor(world, redirectPort),
    env: {
      ...terminalEnv(home),
      CB_TEST_IDP: world.idp.origin,
      CB_TEST_ISSUER: world.idp.issuer,
      CB_TEST_AWS: world.aws.endpoint,
      CB_TEST_BRIDGE: bridge.url,
      CB_TEST_USER_DATA: userDataDir,
      CB_TEST_SERVER_DATA: serverDataDir,
      CB_TEST_REDIRECT_PORT: String(redirectPort),
      CB_TEST_HOME: home,
      ...(systemFolderAvailable() ? { CB_TEST_MANAGED: managedSettingsDir } : {}),
      CB_TEST_CLAUDE: path.join(ROOT, 'node_modules', '.bin', 'claude'),
      CB_TEST_WHOAMI: path.join(ROOT, 'out', 'test', 'support', 'whoami.mjs'),
      ...(process.env.CB_TEST_GREP ? { CB_TEST_GREP: process.env.CB_TEST_GREP } : {}),
    },
    onOutput: (line) => serverLog.push(line),
    managedSettingsDir,
  });

  const browser = await launchBrowser();
  let code = 1;
  try {
    ({ context, page } = await openPage(browser, { focus: true }));
    windowUrl = devWindowUrl(server, workspace, EXTENSION_UNDER_TEST);
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationExit', (c: number) => exit(c));
    page.on('console', (message) => {
      consoleText.push(message.text());
      const line = reportLine(message);
      if (line !== undefined) process.stdout.write(`${line}\n`);
    });
    await page.goto(testUrl(server, workspace, EXTENSION_UNDER_TEST, path.join(ROOT, 'out', 'test', 'integration')));
    let deadline: NodeJS.Timeout | undefined;
    code = await Promise.race([
      exited,
      new Promise<number>((resolve) => {
        deadline = setTimeout(() => {
          process.stdout.write(`The integration suite did not finish within ${SUITE_DEADLINE_MS / 60000} minutes.\n`);
          resolve(1);
        }, SUITE_DEADLINE_MS);
      }),
    ]);
    clearTimeout(deadline);
    const leaks = leaksIn({ 'browser console': consoleText, 'server output': serverLog }, world);
    if (leaks.length > 0) {
      process.stdout.write(`The browser console or the server output held issued tokens or keys:\n${leaks.join('\n')}\n`);
      code = 1;
    }
  } finally {
    await browser.close();
    await server.stop();
    await bridge.close();
    await world.close();
    if (code !== 0) {
      process.stdout.write(`\nVS Code server output (last 80 lines):\n${serverLog.slice(-80).join('\n')}\n`);
      for (const log of extensionLogs(userDataDir)) {
        const lines = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-60);
        // A log that holds an issued secret is itself a failure: only its lines with the secrets masked are shown.
        const leaks = leaksIn({ log: lines }, world);
        const shown = leaks.length > 0 ? ['It holds issued tokens or keys:', ...leaks] : lines;
        process.stdout.write(`\nThe extension's log, ${path.relative(tmp, log)} (last 60 lines):\n${shown.join('\n')}\n`);
      }
    }
    if (code === 0) rmSync(tmp, { recursive: true, force: true });
    else process.stdout.write(`Kept ${tmp} for inspection.\n`);
  }
  process.stdout.write(`Integration tests ${code === 0 ? 'passed' : 'failed'} in ${Math.round((Date.now() - started) / 1000)} s.\n`);
  return code;
}

process.exit(await main());
