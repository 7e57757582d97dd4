// What the UI tests of the sandbox's other federations share: the sandbox baked with a Cognito
// identity pool or IAM Identity Center instead of STS, and what a sign-in through it must show.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../support/sandbox';
import { statusBar } from '../support/workbench';
import { useSandbox } from './useSandbox';

type Federation = 'cognito' | 'identityCenter';

/** The call that hands out the keys in each federation. */
const KEYS_FROM: Record<Federation, string> = { cognito: 'GetCredentialsForIdentity', identityCenter: 'GetRoleCredentials' };

/** The sandbox for a suite that signs in through `federation`, its page as if its window had focus (usage refreshes only then). */
export function useFederatedSandbox(federation: Federation): { readonly sandbox: Sandbox; readonly page: Page } {
  return useSandbox(federation === 'cognito' ? '-c' : '-s', { federation, focus: true });
}

/** After a sign-in: STS handed out no keys, and the usage the status bar shows was read with the keys `federation` handed out. */
export async function assertUsageOnFederatedKeys(page: Page, sandbox: Sandbox, federation: Federation): Promise<void> {
  const calls = sandbox.world.aws.calls;
  assert.equal(calls.filter((c) => c.action === 'AssumeRoleWithWebIdentity').length, 0);
  await statusBar(page).locator('.statusbar-item', { hasText: 'tok' }).first().waitFor({ timeout: 30_000 });
  const key = calls.find((c) => c.action === KEYS_FROM[federation])?.accessKeyId;
  assert.ok(calls.some((c) => c.action === 'GetMetricData' && c.status === 200 && c.accessKeyId === key));
}
