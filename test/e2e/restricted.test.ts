// A workspace in Restricted Mode: signing in works, but its terminals get no credentials.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEMO_USER } from '../support/sandbox';
import { openSignedOut, palette, signInAtIdp, statusBar } from '../support/workbench';
import { SCREENSHOTS, useSandbox } from './useSandbox';

describe('A workspace in Restricted Mode', () => {
  const { sandbox, page } = useSandbox('-r', { untrusted: true, focus: true });

  // VS Code itself also asks for trust before it starts any terminal process there.
  it('signs in, but opens no Claude Code terminal, and says why', async () => {
    await openSignedOut(page, sandbox.url);
    await statusBar(page).getByText('Restricted Mode').waitFor({ timeout: 30_000 });
    await (await signInAtIdp(page, DEMO_USER.login, DEMO_USER.email)).close();

    // Open Claude Code Terminal says why it will not, and opens nothing.
    await palette(page, 'Claude Bedrock: Open Claude Code Terminal');
    await palette(page, 'Notifications: Show Notifications');
    const toast = page.locator('.notifications-center .notification-list-item-message', { hasText: 'Restricted Mode' });
    await toast.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'restricted-mode-failure.png') });
      throw error;
    });
    assert.match(await toast.innerText(), /This workspace is in Restricted Mode, so its terminals get no AWS credentials\. Trust the workspace to use Claude Code here\./);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'restricted-mode.png') });
    assert.equal(await page.locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'Claude Code' }).count(), 0);
  });
});
