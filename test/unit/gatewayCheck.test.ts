// Diagnose's look at the organisation's Claude apps gateway: its sign-in discovery, over TLS a
// machine trusts, or what is wrong in words.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gatewayAnswers } from '../../src/diagnose/claudeCodeChecks';

const DISCOVERY = JSON.stringify({ issuer: 'https://claude.corp.example', device_authorization_endpoint: 'https://claude.corp.example/oauth/device_authorization' });

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe("Diagnose's gateway check", () => {
  const servers: (http.Server | https.Server)[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  it('passes a gateway that answers its discovery, naming its issuer', async () => {
    const server = http.createServer((req, res) => res.writeHead(req.url === '/.well-known/oauth-authorization-server' ? 200 : 404, { 'content-type': 'application/json' }).end(DISCOVERY));
    servers.push(server);
    const answer = await gatewayAnswers(`http://127.0.0.1:${await listen(server)}`, new AbortController().signal);
    assert.deepEqual(answer, { ok: true, detail: 'https://claude.corp.example' });
  });

  it('says a self-signed certificate is one, with the fix', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    } catch {
      rmSync(dir, { recursive: true, force: true });
      this.skip();
    }
    const server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => res.end(DISCOVERY));
    servers.push(server);
    rmSync(dir, { recursive: true, force: true });
    const answer = await gatewayAnswers(`https://127.0.0.1:${await listen(server)}`, new AbortController().signal);
    assert.equal(answer.ok, false);
    assert.match(answer.detail, /its certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    assert.match(!answer.ok ? answer.fix : '', /CA certificate/);
  });

  it('says a gateway that cannot be reached cannot, and one that answers something else does not answer', async () => {
    const gone = http.createServer();
    const port = await listen(gone);
    await new Promise((resolve) => gone.close(resolve));
    const closed = await gatewayAnswers(`http://127.0.0.1:${port}`, new AbortController().signal);
    assert.match(closed.detail, /could not be reached \(ECONNREFUSED\)/);
    const server = http.createServer((_req, res) => res.writeHead(502).end('bad gateway'));
    servers.push(server);
    const wrong = await gatewayAnswers(`http://127.0.0.1:${await listen(server)}`, new AbortController().signal);
    assert.match(wrong.detail, /answered HTTP 502 without a discovery document/);
  });
});
