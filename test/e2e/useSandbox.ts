// The sandbox for one suite of UI tests: started before its first test (with the packaged VSIX,
// in a folder of its own), a headless Chromium page on it, and both stopped after its last.
import { mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { CACHE } from '../support/paths';
import { startSandbox, type Sandbox, type SandboxOptions } from '../support/sandbox';
import { freePort, launchBrowser, openPage } from '../support/vscode';

export const SCREENSHOTS = path.join(CACHE, 'screenshots');

/** Stands for what `get` gives once the suite has started; `what` names it in the error before. */
function onceStarted<T extends object>(what: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const real = get();
      if (!real) throw new Error(`The ${what} is there once the suite has started: use it inside a test or hook.`);
      const value = Reflect.get(real, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
  });
}

/**
 * `tag` keeps suites' folders apart; the folder's path stays short so the windows' socket fits
 * in the extension's storage path. `focus`: the page behaves as if its window had focus (usage
 * refreshes only then). The sandbox and the page returned stand for the suite's own from its
 * first hook on, as useExtension's test API does in the integration tests.
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
    ({ page } = await openPage(browser, { focus, permissions: ['clipboard-read', 'clipboard-write'] }));
  });

  // What the page showed when a test failed, beside the suite's other screenshots.
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !page) return;
    const file = path.join(SCREENSHOTS, `failed-${test.title.replace(/[^\w-]+/g, '-').slice(0, 80)}.png`);
    await page.screenshot({ path: file, timeout: 10_000 }).then(
      () => console.log(`    What the page showed: ${file}`),
      (error: unknown) => console.log(`    No screenshot of the failure: ${String(error)}`),
    );
  });

  after(async () => {
    await close?.();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  return { sandbox: onceStarted('sandbox', () => sandbox), page: onceStarted('page', () => page) };
}
