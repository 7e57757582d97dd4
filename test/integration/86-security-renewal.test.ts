// Renewal in a real VS Code against the real identity provider (which rotates refresh tokens and
// refuses a spent one): a rotated token is in SecretStorage before STS is asked, so nothing that
// happens to the extension host while STS answers can lose it; and an identity provider that is
// only busy does not cost the user their session.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { aws, idp, signInAs, useExtension, waitFor } from './helpers';

describe('Security: renewal', () => {
  const testApi = useExtension();

  afterEach(async () => {
    await aws.clearFaults();
    await aws.release();
  });

  it('saves the rotated refresh token before it asks STS for the new keys', async function () {
    this.timeout(120_000);
    await signInAs('alice');
    const issuedBefore = (await idp.issued()).refreshTokens.length;
    await aws.faults([{ service: 'sts', action: 'AssumeRoleWithWebIdentity', kind: 'hold' }]);
    const renewing = vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    await waitFor('STS to be asked (and held)', async () => (await aws.held()).held === 1, 30_000);
    const rotated = (await idp.issued()).refreshTokens.slice(issuedBefore);
    assert.equal(rotated.length, 1, 'the identity provider rotated the refresh token');
    assert.equal(await testApi.storedRefreshTokenIs(rotated[0]), true, 'the new refresh token is in SecretStorage while STS has not answered');
    await aws.release();
    await renewing;
    assert.equal(testApi.state().kind, 'signedIn');
  });

  it('keeps the session when the identity provider answers the refresh with 429 temporarily_unavailable, and renews at the next try', async function () {
    this.timeout(120_000);
    await signInAs('alice');
    const before = testApi.state();
    assert.equal(before.kind, 'signedIn');
    const from = testApi.notifications.length;
    await idp.faults({ tokenError: { status: 429, error: 'temporarily_unavailable' } });
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    assert.equal(testApi.state().kind, 'signedIn', 'a busy identity provider does not end the session');
    assert.equal(await testApi.hasStoredSession(), true);
    const said = testApi.notifications.slice(from);
    assert.ok(said.every((n) => !n.buttons.includes('Sign In')), `no Sign In while signed in: ${JSON.stringify(said)}`);
    const authorizations = (await idp.authorizations()).length;
    await vscode.commands.executeCommand('claudeBedrock.refreshCredentials');
    await waitFor('the next renewal', () => {
      const s = testApi.state();
      return s.kind === 'signedIn' && before.kind === 'signedIn' && s.session.credentials.accessKeyId !== before.session.credentials.accessKeyId;
    });
    assert.equal((await idp.authorizations()).length, authorizations, 'without the browser');
  });
});
