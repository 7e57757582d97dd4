// Claude Bedrock: Diagnose, in the real VS Code: every row passes in a healthy world (this
// harness's workspace tries to set where the sign-in goes, which Diagnose names), and each check
// says fail or warning, with the fix, when its part of the world is put in the failing state.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { OTHER_REDIRECT_CLIENT_ID } from '../support/idp';
import { UNTRUSTED_ROLE_ARN } from '../support/world';
import { aws, changeSetting, claudeCodeIntegration, harness, idp, sessionKey, signInAs, useExtension, waitFor } from './helpers';

interface DiagnosedRow {
  readonly id: string;
  readonly status: 'pass' | 'warning' | 'fail' | 'skipped';
  readonly found: string;
  readonly fix?: string;
}

async function diagnose(): Promise<Map<string, DiagnosedRow>> {
  const rows = (await vscode.commands.executeCommand('claudeBedrock.diagnose')) as DiagnosedRow[];
  return new Map(rows.map((r) => [r.id, r]));
}

function row(rows: Map<string, DiagnosedRow>, id: string): DiagnosedRow {
  const found = rows.get(id);
  assert.ok(found, `a row ${id}`);
  return found;
}

describe('Diagnose', () => {
  const testApi = useExtension();
  const home = os.homedir();

  afterEach(async () => {
    await fs.rm(path.join(home, '.claude', 'settings.json'), { force: true });
  });

  it("passes every check in a healthy world, and names the workspace values it ignored and the test developer's own .bashrc", async function () {
    this.timeout(120_000);
    assert.equal(home, harness.home(), "the test home, never the user's");
    await signInAs('alice');
    const rows = await diagnose();
    const notPassing = [...rows.values()].filter((r) => r.status !== 'pass' && r.id !== 'settings.sources' && r.id !== 'claude.shell');
    assert.deepEqual(notPassing, [], 'every other row passes');
    // The harness's developer exports AWS_PROFILE in their .bashrc (testHome.ts), as many do.
    assert.equal(row(rows, 'claude.shell').status, 'warning', row(rows, 'claude.shell').found);
    assert.match(row(rows, 'claude.shell').found, /AWS_PROFILE in ~\/\.bashrc:2/);
    const sources = row(rows, 'settings.sources');
    assert.equal(sources.status, 'warning', sources.found);
    assert.match(sources.found, /Ignored: .*claudeBedrock\.issuer.* set by this workspace/);
    assert.match(row(rows, 'idp.discovery').found, /publishes the issuer .* exactly as configured/);
    assert.match(row(rows, 'aws.sts').found, /confirms the keys belong to arn:aws:sts::123456789012:assumed-role\/ClaudeCodeBedrock\/alice@example\.com/);
    assert.match(row(rows, 'usage.metrics').found, /GetMetricData answers/);
    assert.match(row(rows, 'claude.cli').found, /is Claude Code \d+\.\d+\.\d+\./);
    assert.ok(testApi.diagnoseHtml()?.includes('Check Again'), 'the view shows the rows');
  });

  it('says what is wrong with the identity provider: an issuer one slash off, a skewed clock, a port held, no answer', async function () {
    this.timeout(120_000);
    const issuer = String(vscode.workspace.getConfiguration('claudeBedrock').get('issuer'));
    await changeSetting('issuer', issuer.replace(/\/$/, ''));
    await idp.faults({ dateSkewSeconds: 600 });
    const port = Number(vscode.workspace.getConfiguration('claudeBedrock').get('redirectPort'));
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      let rows = await diagnose();
      assert.equal(row(rows, 'idp.discovery').status, 'fail');
      assert.match(row(rows, 'idp.discovery').found, /they differ only in the trailing slash/);
      assert.equal(row(rows, 'idp.discovery').fix, `Set claudeBedrock.issuer to exactly ${issuer}.`);
      assert.equal(row(rows, 'idp.clock').status, 'fail');
      assert.match(row(rows, 'idp.clock').found, /This computer's clock is (599|600|601) s behind the identity provider's\./);
      assert.equal(row(rows, 'idp.port').status, 'fail');
      assert.match(row(rows, 'idp.port').found, new RegExp(`127\\.0\\.0\\.1:${port} is held by another program`));
      await changeSetting('issuer', 'http://127.0.0.1:9/tenant/');
      rows = await diagnose();
      assert.equal(row(rows, 'idp.discovery').status, 'fail');
      assert.match(row(rows, 'idp.discovery').found, /could not be reached/);
    } finally {
      squatter.close();
    }
  });

  it('says what is wrong with AWS: expired keys, no CloudWatch permission, the quota service down', async function () {
    this.timeout(120_000);
    await signInAs('alice');
    await aws.expireKey(sessionKey(testApi));
    await aws.denyCloudWatch(['GetMetricData']);
    await changeSetting('quotaApiUrl', `${harness.aws()}/quota/check`);
    await aws.faults([{ service: 'quota', action: 'Check', kind: 'server', times: 100 }]);
    const rows = await diagnose();
    assert.equal(row(rows, 'aws.sts').status, 'fail');
    assert.match(row(rows, 'aws.sts').found, /refuses the current keys \((ExpiredToken|InvalidClientTokenId)\)/);
    assert.equal(row(rows, 'usage.metrics').status, 'fail');
    assert.match(row(rows, 'usage.metrics').fix ?? '', /cloudwatch:GetMetricData/);
    assert.equal(row(rows, 'usage.quota').status, 'warning');
    assert.match(row(rows, 'usage.quota').found, /could not be asked.*fail mode is open/);
  });

  it("says what is wrong around Claude Code: an old CLI on PATH, its settings' own keys, a .bashrc exporting a profile", async function () {
    this.timeout(120_000);
    await signInAs('alice');
    const stubs = await fs.mkdtemp(path.join(os.tmpdir(), 'old-claude-'));
    await fs.writeFile(path.join(stubs, 'claude'), '#!/bin/sh\necho "1.0.3 (Claude Code)"\n', { mode: 0o755 });
    await fs.mkdir(path.join(home, '.claude'), { recursive: true });
    await fs.writeFile(path.join(home, '.claude', 'settings.json'), JSON.stringify({ env: { AWS_PROFILE: 'old-profile', CLAUDE_CODE_USE_BEDROCK: '1' } }));
    const bashrc = path.join(home, '.bashrc');
    const developers = await fs.readFile(bashrc, 'utf8');
    await fs.writeFile(bashrc, '# mine\nexport AWS_PROFILE=sandbox\nexport AWS_SECRET_ACCESS_KEY=not-shown-anywhere\n');
    const pathBefore = process.env.PATH;
    process.env.PATH = `${stubs}${path.delimiter}${pathBefore ?? ''}`;
    try {
      const rows = await diagnose();
      assert.equal(row(rows, 'claude.cli').status, 'fail');
      assert.match(row(rows, 'claude.cli').found, /is Claude Code 1\.0\.3, older than 2\.0\.0/);
      assert.equal(row(rows, 'claude.settings').status, 'warning');
      assert.match(row(rows, 'claude.settings').found, /sets AWS_PROFILE: Claude Code uses it instead of this sign-in/);
      assert.equal(row(rows, 'claude.shell').status, 'warning');
      assert.match(row(rows, 'claude.shell').found, /AWS_PROFILE in ~\/\.bashrc:2, AWS_SECRET_ACCESS_KEY in ~\/\.bashrc:3/);
      assert.ok(![...rows.values()].some((r) => r.found.includes('not-shown-anywhere')), 'values from startup files are never shown');
    } finally {
      await fs.writeFile(bashrc, developers);
      process.env.PATH = pathBefore;
      await fs.rm(stubs, { recursive: true, force: true });
    }
  });
});

describe('Diagnose, more failing states', () => {
  const testApi = useExtension();
  const machineSettings = () => path.join(harness.userDataDir(), 'Machine', 'settings.json');

  it('says STS denies the keys, and that a CA bundle named by NODE_EXTRA_CA_CERTS does not exist', async function () {
    this.timeout(120_000);
    await signInAs('alice');
    await aws.faults([{ service: 'sts', action: 'GetCallerIdentity', kind: 'error', status: 403, code: 'AccessDenied', message: 'User is not authorized to perform sts:GetCallerIdentity', times: 5 }]);
    const missing = path.join(os.tmpdir(), 'no-such-folder', 'corporate-ca.pem');
    const before = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = missing;
    try {
      const rows = await diagnose();
      assert.equal(row(rows, 'aws.sts').status, 'fail');
      assert.match(row(rows, 'aws.sts').found, /refuses GetCallerIdentity \(AccessDenied\)/);
      assert.match(row(rows, 'aws.sts').fix ?? '', /platform team .* role's permissions/);
      assert.equal(row(rows, 'aws.network').status, 'fail');
      assert.match(row(rows, 'aws.network').found, new RegExp(`NODE_EXTRA_CA_CERTS=${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.* NODE_EXTRA_CA_CERTS names a file that does not exist`));
      assert.match(row(rows, 'aws.network').fix ?? '', /CA bundle \(a PEM file\)/);
    } finally {
      if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = before;
    }
  });

  it('says the quota service blocks the user, and that the credentials endpoint hands out no keys because of it', async function () {
    this.timeout(120_000);
    await changeSetting('quotaApiUrl', `${harness.aws()}/quota/check`);
    await signInAs('alice');
    await aws.quotaPolicies({ 'alice@example.com': { monthly_limit: 1_000_000, daily_limit: 100_000, blocked: 'monthly_exceeded' } });
    await vscode.commands.executeCommand('claudeBedrock.refreshUsage');
    await waitFor('the block', () => testApi.quota()?.kind === 'blocked', 30_000);
    const rows = await diagnose();
    assert.equal(row(rows, 'usage.quota').status, 'fail');
    assert.match(row(rows, 'usage.quota').found, /^Claude Code is blocked: your monthly token quota is used up\./);
    assert.equal(row(rows, 'claude.endpoint').status, 'fail');
    assert.match(row(rows, 'claude.endpoint').found, /^The credentials endpoint hands out no keys: Claude Code is blocked: your monthly token quota is used up\./);
    assert.match(row(rows, 'claude.endpoint').fix ?? '', /quota to reset/);
    assert.match(testApi.diagnoseHtml() ?? '', /command:claudeBedrock\.showUsage/);
  });

  it("says the panel's own variables take it elsewhere", async function () {
    this.timeout(120_000);
    await signInAs('alice');
    const file = machineSettings();
    const saved = await fs.readFile(file, 'utf8');
    const settings = JSON.parse(saved) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...settings, 'claudeCode.environmentVariables': [{ name: 'AWS_PROFILE', value: 'old-profile' }, { name: 'DISABLE_TELEMETRY', value: '1' }] }, null, 2));
    try {
      await waitFor('VS Code to read the panel setting', () => vscode.workspace.getConfiguration().get('claudeCode.environmentVariables'));
      const rows = await diagnose();
      assert.equal(row(rows, 'claude.panel').status, 'warning');
      assert.match(row(rows, 'claude.panel').found, /claudeCode\.environmentVariables .* sets AWS_PROFILE: the panel uses it instead of this sign-in/);
    } finally {
      await fs.writeFile(file, saved);
      await waitFor('VS Code to forget the panel setting', () => vscode.workspace.getConfiguration().get('claudeCode.environmentVariables') === undefined);
    }
  });

  it("says when the helper Claude Code runs does not answer, and that Reload Window writes it again", async function () {
    this.timeout(120_000);
    await signInAs('alice');
    await claudeCodeIntegration(testApi, 'always');
    const settings = JSON.parse(await fs.readFile(testApi.claudeSettingsFile(), 'utf8')) as { awsCredentialExport: string };
    const launcher = /^'([^']+)'/.exec(settings.awsCredentialExport)?.[1];
    assert.ok(launcher, settings.awsCredentialExport);
    const moved = `${launcher}.moved`;
    try {
      let rows = await diagnose();
      assert.equal(row(rows, 'claude.endpoint').status, 'pass', row(rows, 'claude.endpoint').found);
      assert.match(row(rows, 'claude.endpoint').found, /the helper both hand out/);
      await fs.rename(launcher, moved);
      rows = await diagnose();
      assert.equal(row(rows, 'claude.endpoint').status, 'fail');
      assert.match(row(rows, 'claude.endpoint').found, /the helper Claude Code runs does not: it exited with 127/);
      assert.match(row(rows, 'claude.endpoint').fix ?? '', /^Reload the window/);
      assert.match(testApi.diagnoseHtml() ?? '', /command:workbench\.action\.reloadWindow/);
    } finally {
      await fs.rename(moved, launcher).catch(() => undefined);
      await changeSetting('claudeCodeIntegration', 'never');
      await vscode.commands.executeCommand('claudeBedrock.disconnectClaudeCode');
    }
  });
});

describe('Diagnose, the sign-in set-up mistakes and the last failure', () => {
  useExtension();

  it("says when the identity provider does not know the client ID, or does not allow the redirect URI for it, naming what to fix", async function () {
    this.timeout(120_000);
    await changeSetting('clientId', 'no-such-client');
    let rows = await diagnose();
    assert.equal(row(rows, 'idp.client').status, 'fail');
    assert.match(row(rows, 'idp.client').found, /claudeBedrock\.clientId no-such-client .* answers with its error page: it does not know the client ID \(invalid_client\)/);
    assert.match(row(rows, 'idp.client').fix ?? '', /^Set claudeBedrock\.clientId/);
    await changeSetting('clientId', OTHER_REDIRECT_CLIENT_ID);
    rows = await diagnose();
    const port = harness.redirectPort();
    assert.equal(row(rows, 'idp.client').status, 'fail');
    assert.match(row(rows, 'idp.client').found, /it does not allow that redirect URI for the client \(invalid_redirect_uri\)/);
    assert.equal(row(rows, 'idp.client').fix, `Ask your platform team to allow the redirect URI http://127.0.0.1:${port}/callback for the client ${OTHER_REDIRECT_CLIENT_ID} exactly, or set claudeBedrock.redirectPort to the port they registered.`);
  });

  it("shows how the last sign-in failed when AWS refused it, and its fix, rather than only 'Sign in'", async function () {
    this.timeout(120_000);
    await changeSetting('roleArn', UNTRUSTED_ROLE_ARN);
    assert.equal((await signInAs('alice')).signedIn, false);
    const rows = await diagnose();
    const session = row(rows, 'idp.session');
    assert.equal(session.status, 'fail');
    assert.match(session.found, new RegExp(`^Not signed in\\. The last sign-in \\(less than a minute ago\\) failed: AWS did not let you assume the role ${UNTRUSTED_ROLE_ARN}: its trust policy does not allow your identity`));
    assert.equal(session.fix, 'Do what it says first: until then, signing in again fails the same way.');
  });
});
