// What an organisation pushes to Claude Code over the user's settings, read as Claude Code merges
// it, and said as findings with their fix.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findings, managedPlaces, readManaged } from '../../src/claudeCode/managed';

describe("Claude Code's managed settings", () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'managed-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const places = () => ({ file: path.join(root, 'managed-settings.json'), dropIns: path.join(root, 'managed-settings.d') });

  it('knows where each platform keeps them', () => {
    assert.deepEqual(managedPlaces('linux', {}), { file: '/etc/claude-code/managed-settings.json', dropIns: '/etc/claude-code/managed-settings.d' });
    assert.equal(managedPlaces('darwin', {}).file, '/Library/Application Support/ClaudeCode/managed-settings.json');
    assert.equal(managedPlaces('win32', { ProgramFiles: 'D:\\Programs' }).file, 'D:\\Programs\\ClaudeCode\\managed-settings.json');
  });

  it('finds nothing where there are none', async () => {
    const managed = await readManaged(places());
    assert.deepEqual(managed.files, []);
    assert.deepEqual(findings(managed, {}), []);
  });

  it('merges the drop-ins over the file, in name order, and names a forced gateway sign-in and the variables that win over Connect', async () => {
    writeFileSync(places().file, JSON.stringify({ env: { AWS_PROFILE: 'corp', OTHER: 'x' } }));
    mkdirSync(places().dropIns);
    writeFileSync(path.join(places().dropIns, '20-gateway.json'), JSON.stringify({ forceLoginMethod: 'gateway', forceLoginGatewayUrl: 'https://claude.corp.example' }));
    writeFileSync(path.join(places().dropIns, '10-model.json'), JSON.stringify({ env: { ANTHROPIC_MODEL: 'us.anthropic.claude-opus-5' } }));
    writeFileSync(path.join(places().dropIns, 'notes.txt'), 'not settings');
    const managed = await readManaged(places());
    assert.deepEqual(managed.files.map((f) => path.basename(f)), ['managed-settings.json', '10-model.json', '20-gateway.json']);
    const found = findings(managed, {});
    assert.deepEqual(found.map((f) => f.id), ['gateway', 'managedEnv']);
    assert.match(found[0].found, /sign in through Claude apps gateway at https:\/\/claude\.corp\.example: Claude Code uses the gateway, not this extension's sign-in/);
    assert.match(found[1].found, /set AWS_PROFILE, ANTHROPIC_MODEL for Claude Code\. Managed settings outrank your own settings and the variables this extension gives terminals, so Claude Code uses theirs and what Connect Claude Code writes cannot win\./);
  });

  it('says when the host manages the provider, and when a managed file cannot be read', async () => {
    writeFileSync(places().file, '{ "env": ');
    const found = findings(await readManaged(places()), { CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST: '1' });
    assert.deepEqual(found.map((f) => f.id), ['managedByHost', 'unreadable']);
    assert.match(found[1].found, /cannot be read: it is not valid JSON/);
  });
});
