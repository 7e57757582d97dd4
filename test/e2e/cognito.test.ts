// The sandbox as SANDBOX_FEDERATION=cognito runs it: the packaged VSIX, baked with a Cognito
// identity pool, signs in through the IdP's page and gets its keys from the emulator's pool.
import * as assert from 'node:assert/strict';
import { DEMO_USER } from '../support/sandbox';
import { openSignedOut, signInAtIdp } from '../support/workbench';
import { assertUsageOnFederatedKeys, useFederatedSandbox } from './federation';

describe('The sandbox with a Cognito identity pool', () => {
  const { sandbox, page } = useFederatedSandbox('cognito');

  it('signs in through the pool, not STS, and shows the usage', async () => {
    await openSignedOut(page, sandbox.url);
    await (await signInAtIdp(page, DEMO_USER.login, DEMO_USER.email)).close();
    const calls = sandbox.world.aws.calls;
    assert.deepEqual(
      calls.filter((c) => c.service === 'cognito-identity').map((c) => `${c.action} ${c.status}`),
      ['GetId 200', 'GetCredentialsForIdentity 200'],
    );
    // Usage is read with the pool's keys.
    await assertUsageOnFederatedKeys(page, sandbox, 'cognito');
  });
});
