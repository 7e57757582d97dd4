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

/**
 * Runs "Claude Bedrock: Sign In" and completes the IdP's own login page in the browser window it
 * opens; resolves once the status bar shows `email`. `beforeSubmit` sees the login page.
 */
export async function signInAtIdp(page: Page, login: string, email: string, beforeSubmit?: (loginPage: Page) => Promise<void>): Promise<Page> {
  const popup = page.context().waitForEvent('page');
  await palette(page, 'Claude Bedrock: Sign In');
  const loginPage = await popup;
  await loginPage.locator('input[name=login]').waitFor();
  await beforeSubmit?.(loginPage);
  await loginPage.locator('input[name=login]').fill(login);
  await loginPage.locator('input[name=password]').fill('any password');
  await loginPage.locator('button[type=submit]').click();
  await loginPage.waitForURL(/127\.0\.0\.1:\d+\/callback/);
  await statusBar(page).getByText(email).waitFor({ timeout: 30_000 });
  return loginPage;
}
