// The terminals' credentials endpoint, spoken to directly: who gets keys and who does not.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { request, signInAs, terminalEndpoint, useExtension } from './helpers';

describe('The credentials endpoint', () => {
  const testApi = useExtension({ fresh: 'once' });
  let uri: string;
  let token: string;

  before(async () => {
    await signInAs('alice');
    await testApi.terminalsUpdated();
    ({ uri, token } = await terminalEndpoint(testApi));
  });

  after(async () => {
    await vscode.commands.executeCommand('claudeBedrock.signOut');
  });

  it('serves the current keys in the container-credentials format to the right token', async () => {
    const res = await request(uri, { authorization: token });
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body) as Record<string, string>;
    const state = testApi.state();
    assert.equal(state.kind, 'signedIn');
    if (state.kind !== 'signedIn') return;
    assert.deepEqual(Object.keys(body).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token']);
    assert.equal(body.AccessKeyId, state.session.credentials.accessKeyId);
    assert.equal(body.Expiration, state.session.credentials.expiration);
  });

  it('refuses a wrong token, a missing token, and a token one character off', async () => {
    assert.equal((await request(uri, { authorization: 'not-the-token' })).status, 403);
    assert.equal((await request(uri, {})).status, 401);
    const offByOne = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const refused = await request(uri, { authorization: offByOne });
    assert.equal(refused.status, 403);
    assert.doesNotMatch(refused.body, /AccessKeyId/);
  });

  it('refuses requests whose Host is not loopback (DNS rebinding), other paths and methods', async () => {
    const port = new URL(uri).port;
    assert.equal((await request(uri, { authorization: token, host: `attacker.example:${port}` })).status, 403);
    assert.equal((await request(uri.replace('/credentials', '/other'), { authorization: token })).status, 404);
    assert.equal((await request(uri, { authorization: token }, 'POST')).status, 405);
  });

  it('answers 50 clients at once, all with the same keys', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => request(uri, { authorization: token })));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    assert.equal(new Set(answers.map((a) => (JSON.parse(a.body) as { AccessKeyId: string }).AccessKeyId)).size, 1);
  });

  it('serves nothing once signed out', async () => {
    await vscode.commands.executeCommand('claudeBedrock.signOut');
    await testApi.terminalsUpdated();
    const res = await request(uri, { authorization: token });
    assert.ok([403, 404].includes(res.status), String(res.status));
    assert.doesNotMatch(res.body, /AccessKeyId/);
  });
});
