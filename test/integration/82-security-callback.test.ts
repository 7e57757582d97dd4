// The sign-in's callback port in the real VS Code, with the real identity provider: while a
// sign-in waits for the browser, any web page the user has open can send requests to
// http://127.0.0.1:<port>/callback. Those that are not this sign-in's answer (another state, no
// state, another issuer, none where the identity provider always names itself) get a page
// saying so and end nothing: the real login, finished afterwards, signs in.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { browse } from '../support/robotBrowser';
import { harness, idp, useExtension, waitFor } from './helpers';

describe('Security: the sign-in callback port', () => {
  const testApi = useExtension();

  it("a web page's answers with another state, no state or another issuer do not end the sign-in: the real login then signs in", async function () {
    this.timeout(120_000);
    // The browser VS Code opens stays at the identity provider's login form.
    await idp.wait();
    const running = vscode.commands.executeCommand('claudeBedrock.signIn') as Thenable<{ signedIn: boolean }>;
    const authorization = await waitFor('the authorization request at the identity provider', async () => (await idp.authorizations()).at(-1));
    const callback = `http://127.0.0.1:${harness.redirectPort()}/callback`;
    const iss = `iss=${encodeURIComponent(harness.issuer())}`;
    const state = authorization.state;
    for (const [query, page] of [
      [`code=planted&state=not-this-sign-in&${iss}`, 'Not this sign-in'],
      [`error=access_denied&error_description=blocked&${iss}`, 'Not this sign-in'],
      // A mix-up: this sign-in's state, carried to the port by another identity provider's answer.
      [`code=planted&state=${state}&iss=${encodeURIComponent('http://127.0.0.1:9/another-tenant/')}`, 'Not from your identity provider'],
      [`code=planted&state=${state}`, 'Not from your identity provider'],
    ]) {
      const res = await fetch(`${callback}?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(await res.text(), new RegExp(`<h1>${page}</h1>`), query);
    }
    assert.equal(testApi.state().kind, 'signingIn', 'still waiting for its own answer');

    // The real login: the identity provider signs alice in and sends the browser back.
    await waitFor("VS Code's browser at the login form", async () => (await idp.queued()) === 0);
    await idp.login('alice');
    const last = await browse(`${harness.idpOrigin()}/auth?${new URLSearchParams(authorization)}`);
    assert.match(last, /^200 http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    assert.equal((await running).signedIn, true);
    const signedIn = testApi.state();
    assert.equal(signedIn.kind, 'signedIn');
    assert.equal(signedIn.kind === 'signedIn' && signedIn.session.identity.email, 'alice@example.com');
    assert.ok(!testApi.notifications.some((n) => /state mismatch|old browser tab/.test(n.message)), 'no sentence about an old tab');
  });
});
