// The sandbox for one suite of UI tests: started before its first test (with the packaged VSIX,
// in a folder of its own), a headless Chromium page on it, and both stopped after its last.
import { mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { emulateFocus } from '../support/bridge';
import { CACHE } from '../support/paths';
import { startSandbox, type Sandbox, type SandboxOptions } from '../support/sandbox';
import { freePort, launchBrowser } from '../support/vscode';

export const SCREENSHOTS = path.join(CACHE, 'screenshots');

/**
 * `tag` keeps suites' folders apart; the folder's path stays short so the windows' socket fits
 * in the extension's storage path. `focus`: the page behaves as if its window had focus (usage
 * refreshes only then).
 */
export function useSandbox(tag: string, options: Omit<SandboxOptions, 'dir' | 'ports' | 'quiet'> & { focus?: boolean } = {}): { readonly sandbox: Sandbox; readonly page: Page } {
  let sandbox: Sandbox | undefined;
  let page: Page | undefined;
  let close: (() => Promise<void>) | undefined;
  const dir = path.join(os.tmpdir(), `cb-e2e${tag}-${process.pid}`);

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const { focus, ...sandboxOptions } = options;
    sandbox = await startSandbox({ ...sandboxOptions, dir, ports: { redirect: await freePort() }, quiet: true });
    const browser = await launchBrowser();
    close = () => browser.close();
    // The clipboard as a desktop browser grants it to the page in front (the Copy buttons).
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    if (focus) await emulateFocus(context, page);
  });

  after(async () => {
    await close?.();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    get sandbox() {
      if (!sandbox) throw new Error('The sandbox is there once the suite has started.');
      return sandbox;
    },
    get page() {
      if (!page) throw new Error('The page is there once the suite has started.');
      return page;
    },
  };
}
