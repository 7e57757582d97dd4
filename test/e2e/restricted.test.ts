// A workspace in Restricted Mode: signing in works, but its terminals get no credentials.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CACHE } from '../support/paths';
import { DEMO_USER, startSandbox, type Sandbox } from '../support/sandbox';
import { emulateFocus } from '../support/bridge';
import { freePort, launchBrowser } from '../support/vscode';
import { palette, signInAtIdp } from '../support/workbench';

describe('A workspace in Restricted Mode', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  // Short, so the sign-in handoff's socket fits in the extension's storage (see runIntegration.ts).
  const dir = path.join(os.tmpdir(), `cb-e2e-r-${process.pid}`);

  before(async () => {
    sandbox = await startSandbox({ dir, ports: { redirect: await freePort() }, quiet: true, untrusted: true });
    mkdirSync(path.join(CACHE, 'screenshots'), { recursive: true });
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

  // VS Code itself also asks for trust before it starts any terminal process there.
  it('signs in, but opens no Claude Code terminal, and says why', async () => {
    await page.goto(sandbox.url);
    const statusBar = page.locator('#workbench\\.parts\\.statusbar');
    await statusBar.getByText('Claude: Sign In').waitFor({ timeout: 60_000 });
    await statusBar.getByText('Restricted Mode').waitFor({ timeout: 30_000 });
    await (await signInAtIdp(page, DEMO_USER.login, DEMO_USER.email)).close();

    // Open Claude Code Terminal says why it will not, and opens nothing.
    await palette(page, 'Claude Bedrock: Open Claude Code Terminal');
    await palette(page, 'Notifications: Show Notifications');
    const toast = page.locator('.notifications-center .notification-list-item-message', { hasText: 'Restricted Mode' });
    await toast.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
      await page.screenshot({ path: path.join(CACHE, 'screenshots', 'restricted-mode-failure.png') });
      throw error;
    });
    assert.match(await toast.innerText(), /This workspace is in Restricted Mode, so its terminals get no AWS credentials\. Trust the workspace to use Claude Code here\./);
    await page.screenshot({ path: path.join(CACHE, 'screenshots', 'restricted-mode.png') });
    assert.equal(await page.locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'Claude Code' }).count(), 0);
  });
});
