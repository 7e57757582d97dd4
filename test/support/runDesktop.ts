// npm run test:desktop: the same integration suite in desktop VS Code, downloaded by
// @vscode/test-electron (machines that can reach the VS Code download; CI here cannot and runs
// the server build instead, see runIntegration.ts). The system browser is the robot browser.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { EXTENSION_UNDER_TEST, ROOT } from './paths';
import { terminalEnv, writeTerminalHome } from './testHome';
import { freePort, writeSettings } from './vscode';
import { OWN_SESSION, settingsFor, startWorld } from './world';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'claude-bedrock-desktop-'));
const userDataDir = path.join(tmp, 'user');
const workspace = path.join(tmp, 'workspace');
mkdirSync(workspace, { recursive: true });
const browser = path.join(tmp, 'browser.sh');
writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'out', 'test', 'support', 'robotBrowser.mjs')}" "$1"\n`);
chmodSync(browser, 0o755);

const world = await startWorld();
const home = path.join(tmp, 'home');
mkdirSync(home, { recursive: true });
writeTerminalHome(home, world.aws.sts.mintKey('arn:aws:iam::123456789012:role/DeveloperOwn', OWN_SESSION));
const redirectPort = await freePort();
const settings = { ...settingsFor(world, redirectPort), 'security.workspace.trust.enabled': false };
writeSettings(userDataDir, settings, settings);
let code = 1;
try {
  code = await runTests({
    extensionDevelopmentPath: EXTENSION_UNDER_TEST,
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration'),
    launchArgs: [workspace, '--user-data-dir', userDataDir, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: {
      // A home of its own: the tests never touch the home of whoever runs them.
      ...terminalEnv(home),
      CB_TEST_HOME: home,
      CB_TEST_CLAUDE: path.join(ROOT, 'node_modules', '.bin', 'claude'),
      CB_TEST_WHOAMI: path.join(ROOT, 'out', 'test', 'support', 'whoami.mjs'),
      BROWSER: browser,
      CB_TEST_IDP: world.idp.origin,
      CB_TEST_ISSUER: world.idp.issuer,
      CB_TEST_AWS: world.aws.endpoint,
      CB_TEST_USER_DATA: userDataDir,
      CB_TEST_SERVER_DATA: userDataDir,
      CB_TEST_REDIRECT_PORT: String(redirectPort),
    },
  }).then(() => 0);
} catch (error) {
  process.stderr.write(`${String(error)}\n`);
} finally {
  await world.close();
}
process.exit(code);
