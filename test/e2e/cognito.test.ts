// The sandbox as SANDBOX_FEDERATION=cognito runs it: the packaged VSIX, baked with a Cognito
// identity pool, signs in through the IdP's page and gets its keys from the emulator's pool.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { emulateFocus } from '../support/bridge';
import { DEMO_USER, startSandbox, type Sandbox } from '../support/sandbox';
import { freePort, launchBrowser } from '../support/vscode';
import { signInAtIdp } from '../support/workbench';

describe('The sandbox with a Cognito identity pool', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  // Short, so the windows' socket fits in the extension's storage path.
  const dir = path.join(os.tmpdir(), `cb-e2e-c-${process.pid}`);

  before(async () => {
    sandbox = await startSandbox({ dir, ports: { redirect: await freePort() }, quiet: true, federation: 'cognito' });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await emulateFocus(context, page);
  });

  after(async () => {
    await browser?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the pool, not STS, and shows the usage', async () => {
    await page.goto(sandbox.url);
    await page.locator('#workbench\\.parts\\.statusbar').getByText('Claude: Sign In').waitFor({ timeout: 60_000 });
    await (await signInAtIdp(page, DEMO_USER.login, DEMO_USER.email)).close();
    const calls = sandbox.world.aws.calls;
    assert.deepEqual(
      calls.filter((c) => c.service === 'cognito-identity').map((c) => `${c.action} ${c.status}`),
      ['GetId 200', 'GetCredentialsForIdentity 200'],
    );
    assert.equal(calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length, 0);
    // Usage is read with the pool's keys.
    await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'tok' }).first().waitFor({ timeout: 30_000 });
    const poolKey = calls.find((c) => c.action === 'GetCredentialsForIdentity')?.accessKeyId;
    assert.ok(calls.some((c) => c.action === 'GetMetricData' && c.status === 200 && c.accessKeyId === poolKey));
  });
});
