// Driving the VS Code workbench as a user does, for the UI tests and the benchmark.
import type { Page } from 'playwright-core';

/** Runs a command from the command palette (F1). */
export async function palette(page: Page, command: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${command}`);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: command }).first().waitFor();
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
