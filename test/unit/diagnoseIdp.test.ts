// Diagnose's identity provider rows that answer the two most common set-up mistakes and a
// sign-in that failed: what an authorization endpoint's answer says of the client ID and the
// redirect URI (as the common identity providers word it), and the last sign-in's failure
// shown when signed out, with its fix.
import * as assert from 'node:assert/strict';
import type { LastSignInFailure } from '../../src/auth/signIn';
import type { DiagnoseContext } from '../../src/diagnose/context';
import { idpChecks } from '../../src/diagnose/idpChecks';
import { probeUrl, readAnswer, type ClientProbe } from '../../src/diagnose/idpClient';
import { openSetting } from '../../src/errors/failure';
import { FakeClock } from './fakes/clock';

const probe: ClientProbe = {
  authorizationEndpoint: 'https://idp.example.com/oauth2/v1/authorize',
  clientId: 'claude-code-bedrock',
  redirectUri: 'http://127.0.0.1:8400/callback',
  scopes: 'openid email profile offline_access',
};

/** oidc-provider's error page, as the test identity provider renders it. */
const oidcProviderError = (error: string, description: string) =>
  `<!DOCTYPE html><html><head><title>oops! something went wrong</title></head><body><div class="container"><h1>oops! something went wrong</h1><pre><strong>error</strong>: ${error}</pre><pre><strong>error_description</strong>: ${description}</pre></div></body></html>`;

describe("Diagnose's client ID and redirect URI row", () => {
  it('asks as a sign-in would: the client ID, the redirect URI, the scopes, PKCE S256 and fresh state', () => {
    const url = new URL(probeUrl(probe));
    assert.equal(`${url.origin}${url.pathname}`, probe.authorizationEndpoint);
    assert.equal(url.searchParams.get('client_id'), probe.clientId);
    assert.equal(url.searchParams.get('redirect_uri'), probe.redirectUri);
    assert.equal(url.searchParams.get('scope'), probe.scopes);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.notEqual(new URL(probeUrl(probe)).searchParams.get('state'), url.searchParams.get('state'));
  });

  it('passes when the identity provider sends the browser on to its login page, or shows it', () => {
    assert.equal(readAnswer({ status: 303, location: '/interaction/abc', body: 'Redirecting' }, probe).status, 'pass');
    const loginPage = `<form method="post"><input type="hidden" name="client_id" value="claude-code-bedrock"><input type="hidden" name="redirect_uri" value="http://127.0.0.1:8400/callback"><p class="error" hidden>Invalid username or password.</p></form>`;
    const finding = readAnswer({ status: 200, location: undefined, body: loginPage }, probe);
    assert.equal(finding.status, 'pass', finding.found);
    assert.equal(readAnswer({ status: 302, location: `${probe.redirectUri}?error=login_required&state=x`, body: '' }, probe).status, 'pass');
  });

  it('names claudeBedrock.clientId when the identity provider does not know the client', () => {
    for (const [status, body] of [
      [400, oidcProviderError('invalid_client', 'client is invalid')],
      [200, '<div id="error">AADSTS700016: Application with identifier \'claude-code-bedrock\' was not found in the directory.</div>'],
      [400, '<h1>Unknown client</h1>'],
    ] as const) {
      const finding = readAnswer({ status, location: undefined, body }, probe);
      assert.equal(finding.status, 'fail', body);
      assert.match(finding.found, /asked to start a sign-in for claudeBedrock\.clientId claude-code-bedrock with the redirect URI http:\/\/127\.0\.0\.1:8400\/callback, answers with its error page: it does not know the client ID/);
      assert.match(finding.fix ?? '', /^Set claudeBedrock\.clientId to the client ID/);
      assert.deepEqual(finding.actions, [openSetting('clientId')]);
    }
    assert.match(readAnswer({ status: 400, location: undefined, body: oidcProviderError('invalid_client', 'client is invalid') }, probe).found, /\(invalid_client\)/);
  });

  it('names the redirect URI to allow when the identity provider refuses it', () => {
    for (const [status, location, body] of [
      [400, undefined, oidcProviderError('invalid_redirect_uri', "redirect_uri did not match any of the client's registered redirect_uris")],
      [200, undefined, '<div>AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.</div>'],
      [302, 'https://auth.example.com/error?error=redirect_mismatch&client_id=claude-code-bedrock', ''],
      [400, undefined, "<p>The 'redirect_uri' parameter must be a Login redirect URI in the client app settings</p>"],
      [403, undefined, '<h1>Callback URL mismatch.</h1>'],
    ] as const) {
      const finding = readAnswer({ status, location, body }, probe);
      assert.equal(finding.status, 'fail', `${location ?? ''} ${body}`);
      assert.match(finding.found, /it does not allow that redirect URI for the client/);
      assert.equal(finding.fix, 'Ask your platform team to allow the redirect URI http://127.0.0.1:8400/callback for the client claude-code-bedrock exactly, or set claudeBedrock.redirectPort to the port they registered.');
      assert.deepEqual(finding.actions, [openSetting('redirectPort')]);
    }
  });

  it('says which scopes or grant it refused when it sends the browser back with an error', () => {
    const scopes = readAnswer({ status: 302, location: `${probe.redirectUri}?error=invalid_scope&state=x`, body: '' }, probe);
    assert.equal(scopes.status, 'fail');
    assert.deepEqual(scopes.actions, [openSetting('scopes')]);
    const grant = readAnswer({ status: 302, location: `${probe.redirectUri}?error=unauthorized_client&state=x`, body: '' }, probe);
    assert.match(grant.found, /may not use the authorization code flow \(unauthorized_client\)/);
    const odd = readAnswer({ status: 302, location: `${probe.redirectUri}?error=%5Bclick%5D(command%3Ax)&state=x`, body: '' }, probe);
    assert.equal(odd.status, 'pass', 'an error that is not an OAuth code is not repeated');
    assert.doesNotMatch(odd.found, /click|command/);
  });

  it('fails on an error status it cannot read, naming both settings', () => {
    const finding = readAnswer({ status: 500, location: undefined, body: '<h1>Internal error</h1>' }, probe);
    assert.equal(finding.status, 'fail');
    assert.match(finding.found, /answers HTTP 500/);
    assert.match(finding.fix ?? '', /claudeBedrock\.clientId.*http:\/\/127\.0\.0\.1:8400\/callback/);
  });
});

describe("Diagnose's session row, signed out", () => {
  function sessionRow(last: LastSignInFailure | undefined, clock: FakeClock) {
    const ctx = {
      config: { activeSignIn: () => ({ federation: 'direct', checked: { ok: false, problems: [] } }) },
      sessions: { usableSession: undefined },
      clock,
      lastSignInFailure: () => last,
    } as unknown as DiagnoseContext;
    const check = idpChecks(ctx).find((c) => c.id === 'idp.session');
    assert.ok(check);
    return check.run(new AbortController().signal);
  }

  it('shows how the last sign-in failed and its fix, rather than only "sign in"', async () => {
    const clock = new FakeClock();
    const message = 'AWS did not let you assume the role arn:aws:iam::123456789012:role/Untrusted: its trust policy does not allow your identity.';
    const actions = [openSetting('roleArn'), { kind: 'showLog' as const }];
    const at = clock.now();
    await clock.advance(3 * 60_000);
    const row = await sessionRow({ kind: 'stsAccessDenied', message, actions, transient: false, at }, clock);
    assert.equal(row.status, 'fail');
    assert.equal(row.found, `Not signed in. The last sign-in (3 min ago) failed: ${message}`);
    assert.equal(row.fix, 'Do what it says first: until then, signing in again fails the same way.');
    assert.deepEqual(row.actions, actions);
    const passing = await sessionRow({ kind: 'stsUnreachable', message: 'Could not reach AWS STS.', actions: [], transient: true, at: clock.now() }, clock);
    assert.equal(passing.found, 'Not signed in. The last sign-in (less than a minute ago) failed: Could not reach AWS STS.');
    assert.equal(passing.fix, 'Sign in again: this failure may have passed.');
    assert.deepEqual(await sessionRow(undefined, clock), { status: 'skipped', found: 'Not signed in.' });
  });
});
