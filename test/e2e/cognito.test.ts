// The sandbox as SANDBOX_FEDERATION=cognito runs it: the packaged VSIX, baked with a Cognito
// identity pool, signs in through the IdP's page and gets its keys from the emulator's pool.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_USER, type Sandbox } from '../support/sandbox';
import { signInAtIdp } from '../support/workbench';
import { useSandbox } from './useSandbox';

describe('The sandbox with a Cognito identity pool', () => {
  const suite = useSandbox('-c', { federation: 'cognito', focus: true });
  let sandbox: Sandbox;
  let page: Page;
  before(() => ({ sandbox, page } = suite));

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
