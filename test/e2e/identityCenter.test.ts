// The sandbox as SANDBOX_FEDERATION=identityCenter runs it: the packaged VSIX, baked with an IAM
// Identity Center start URL, signs in on the emulator's access-portal login page and gets role
// keys from its SSO portal; then signs in again with a code shown in VS Code.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEMO_USER } from '../support/sandbox';
import { openSignedOut, palette, signInAtAccessPortal, statusBar } from '../support/workbench';
import { assertUsageOnFederatedKeys, useFederatedSandbox } from './federation';
import { SCREENSHOTS } from './useSandbox';

describe('The sandbox with IAM Identity Center', () => {
  const { sandbox, page } = useFederatedSandbox('identityCenter');

  it('signs in on the access portal, gets role keys, and shows the usage', async () => {
    await openSignedOut(page, sandbox.url);
    const portal = await signInAtAccessPortal(page, DEMO_USER.email);
    assert.equal(await portal.locator('h1').innerText(), 'Signed in');
    await portal.close();
    const calls = sandbox.world.aws.calls;
    assert.deepEqual(
      calls.filter((c) => c.service === 'sso-oauth' || c.service === 'awsssoportal').map((c) => c.action).filter((a) => a !== 'Login'),
      ['RegisterClient', 'Authorize', 'CreateToken', 'ListAccounts', 'ListAccountRoles', 'GetRoleCredentials'],
    );
    // Usage is read with the role keys, for the Identity Center user's name.
    await assertUsageOnFederatedKeys(page, sandbox, 'identityCenter');
  });

  it('signs in with a code: the dialog shows it, its button copies it and opens the portal, where the user allows it', async () => {
    await palette(page, 'Claude Bedrock: Sign Out');
    await statusBar(page).getByText('Claude: Sign In').waitFor({ timeout: 30_000 });
    await palette(page, 'Claude Bedrock: Sign In with a Code (IAM Identity Center)');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const code = /sign-in code: ([0-9A-F]{4}-[0-9A-F]{4})/.exec(await dialog.innerText())?.[1];
    assert.ok(code, await dialog.innerText());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'identity-center-code.png') });
    const popup = page.context().waitForEvent('page');
    await dialog.locator('.monaco-button', { hasText: 'Copy Code & Open Browser' }).click();
    const portal = await popup;
    assert.equal(await portal.locator('input[name=user_code]').inputValue(), code, 'the page has the code filled in');
    await portal.locator('input[name=username]').fill(DEMO_USER.email);
    await portal.locator('button[type=submit]').click();
    await portal.getByText('Request approved').waitFor();
    await portal.close();
    await statusBar(page).getByText(DEMO_USER.email).waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code, 'the code was copied');
    const actions = sandbox.world.aws.calls.map((c) => c.action);
    assert.equal(actions.filter((a) => a === 'StartDeviceAuthorization').length, 1);
    assert.equal(actions.filter((a) => a === 'Authorize').length, 1, 'only the first sign-in went through the loopback');
  });
});
