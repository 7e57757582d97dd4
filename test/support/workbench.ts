// Driving the VS Code workbench as a user does, for the UI tests and the benchmark.
import type { Page } from 'playwright-core';

/**
 * Runs a command from the command palette (F1). A command run just before may still move the
 * focus once its palette has closed, which closes this one too (a palette closes when it loses
 * focus): then the palette is opened again, until `timeoutMs`. Nothing is run twice: Enter is
 * pressed once, in a palette that has the focus and shows the command.
 */
export async function palette(page: Page, command: string, timeoutMs = 30_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = Math.max(1_000, Math.min(10_000, deadline - Date.now()));
    try {
      await page.keyboard.press('F1');
      await input.fill(`>${command}`, { timeout: left });
      await row.waitFor({ timeout: left });
      if (await input.evaluate((el) => el === document.activeElement, undefined, { timeout: left })) break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`The command palette kept losing the focus before "${command}" could be run.`);
  }
  await page.keyboard.press('Enter');
}

export const statusBar = (page: Page) => page.locator('#workbench\\.parts\\.statusbar');

/** Opens the workbench at `url` and waits for the status bar's Claude: Sign In (a fresh sandbox). */
export async function openSignedOut(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await statusBar(page).getByText('Claude: Sign In').waitFor({ timeout: 60_000 });
}

/**
 * Runs "Claude Bedrock: Sign In", lets `fill` complete the page the browser window it opens shows,
 * and resolves with that page, back at the loopback callback, once the status bar shows `email`.
 */
async function signInThroughPage(page: Page, email: string, fill: (loginPage: Page) => Promise<void>): Promise<Page> {
  const popup = page.context().waitForEvent('page');
  await palette(page, 'Claude Bedrock: Sign In');
  const loginPage = await popup;
  await fill(loginPage);
  await loginPage.waitForURL(/127\.0\.0\.1:\d+\/callback/);
  await statusBar(page).getByText(email).waitFor({ timeout: 30_000 });
  return loginPage;
}

/** Signs in on the IdP's own login page as `login` (see signInThroughPage). `beforeSubmit` sees the login page. */
export function signInAtIdp(page: Page, login: string, email: string, beforeSubmit?: (loginPage: Page) => Promise<void>): Promise<Page> {
  return signInThroughPage(page, email, async (loginPage) => {
    await loginPage.locator('input[name=login]').waitFor();
    await beforeSubmit?.(loginPage);
    await loginPage.locator('input[name=login]').fill(login);
    await loginPage.locator('input[name=password]').fill('any password');
    await loginPage.locator('button[type=submit]').click();
  });
}

/** Signs in on IAM Identity Center's access portal page as `email` (see signInThroughPage). */
export function signInAtAccessPortal(page: Page, email: string): Promise<Page> {
  return signInThroughPage(page, email, async (portal) => {
    await portal.locator('input[name=username]').fill(email);
    await portal.locator('input[name=password]').fill('any password');
    await portal.locator('button[type=submit]').click();
  });
}
