// Whether Claude Code on this machine signs in through the organisation's Claude apps gateway, as
// Claude Code itself decides it: a trusted, live session in its credentials, its environment, or
// managed settings that force it; and the status bar's words while the extension stands aside.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gatewayInUse, gatewaySession } from '../../src/claudeCode/gateway';
import { statusView } from '../../src/ui/statusWords';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const none = { files: [], env: {}, forceLoginMethod: undefined, gatewayUrl: undefined, unreadable: [] };

describe("Claude apps gateway on this machine", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (value: unknown) => {
    const file = path.join(dir, '.credentials.json');
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const session = (over: Record<string, unknown> = {}) => ({ url: 'https://claude.corp.example:8443', jwt: 'secret-jwt', expiresAt: NOW + 3_600_000, email: 'ana@corp.example', ...over });

  it('finds a trusted, live session, and reads its address and email, never its token', async () => {
    const found = await gatewaySession(write({ enterpriseGateway: session(), gatewayTrust: { 'claude.corp.example': 'ab12' } }), NOW);
    assert.deepEqual([found?.url, found?.email], ['https://claude.corp.example:8443', 'ana@corp.example']);
    assert.doesNotMatch(JSON.stringify(found), /secret-jwt/);
  });

  it('ignores a session Claude Code would not use: untrusted, or expired without a refresh token', async () => {
    assert.equal(await gatewaySession(write({ enterpriseGateway: session() }), NOW), undefined);
    assert.equal(await gatewaySession(write({ enterpriseGateway: session({ expiresAt: NOW - 1 }), gatewayTrust: { 'claude.corp.example': 'ab12' } }), NOW), undefined);
    assert.ok(await gatewaySession(write({ enterpriseGateway: session({ expiresAt: NOW - 1, idpRefreshToken: 'r' }), gatewayTrust: { 'claude.corp.example': 'ab12' } }), NOW), 'renewable');
    assert.equal(await gatewaySession(path.join(dir, 'missing.json'), NOW), undefined);
    writeFileSync(path.join(dir, 'bad.json'), '{not json');
    assert.equal(await gatewaySession(path.join(dir, 'bad.json'), NOW), undefined);
  });

  it("also counts Claude Code's environment and managed settings that force the gateway", async () => {
    const home = dir;
    assert.equal(await gatewayInUse({ env: {}, home, managed: none, now: NOW }), undefined);
    assert.match((await gatewayInUse({ env: { CLAUDE_CODE_USE_GATEWAY: '1' }, home, managed: none, now: NOW }))!.found, /CLAUDE_CODE_USE_GATEWAY/);
    const forced = await gatewayInUse({ env: {}, home, managed: { ...none, files: ['/etc/claude-code/managed-settings.json'], forceLoginMethod: 'gateway', gatewayUrl: 'https://claude.corp.example' }, now: NOW });
    assert.equal(forced?.url, 'https://claude.corp.example');
  });

  it('says in the status bar that Claude Code signs in through the gateway, and offers Sign Out when this extension is still signed in', () => {
    const gateway = { url: 'https://claude.corp.example', email: 'ana@corp.example', found: '' };
    const out = statusView({ kind: 'signedOut' }, [], gateway);
    assert.equal(out.text, '$(organization) Claude: organisation gateway');
    assert.match(out.tooltip, /through your organisation's Claude apps gateway \(https:\/\/claude\.corp\.example\) as ana@corp\.example/);
    assert.equal(out.warning, false);
    const signedIn = statusView({ kind: 'signedIn' } as Parameters<typeof statusView>[0], [], gateway);
    assert.deepEqual(signedIn.links.map((l) => l.command), ['claudeBedrock.signOut', 'claudeBedrock.diagnose']);
    assert.equal(signedIn.warning, true);
  });
});
