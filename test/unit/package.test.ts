// The VSIX: only what runs, and the organisation defaults a platform team bakes in.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import yauzl from 'yauzl';

const ROOT = path.resolve(__dirname, '../../..');

function entries(vsix: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(vsix, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

function packageWith(defaults: unknown, out: string): { status: number | null; stderr: string } {
  const file = path.join(path.dirname(out), 'defaults.json');
  writeFileSync(file, typeof defaults === 'string' ? defaults : JSON.stringify(defaults));
  const result = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs'), '--package', '--out', out], {
    cwd: ROOT,
    env: { ...process.env, CLAUDE_BEDROCK_ORG_DEFAULTS: file },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

describe('the VSIX', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'vsix-test-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds only what runs, with the organisation defaults as the settings\' defaults', async () => {
    const vsix = path.join(dir, 'acme.vsix');
    const defaults = { issuer: 'https://acme.okta.com/oauth2/default', clientId: '0oa1acme', roleArn: 'arn:aws:iam::123456789012:role/ClaudeCodeBedrock', region: 'eu-central-1', quotaApiUrl: 'https://quota.acme.example/check' };
    const result = packageWith(defaults, vsix);
    assert.equal(result.status, 0, result.stderr);
    const files = await entries(vsix);
    const names = [...files.keys()].filter((n) => n.startsWith('extension/')).sort();
    assert.deepEqual(names, [
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/dist/aws.js',
      'extension/dist/cognito.js',
      'extension/dist/extension.js',
      'extension/dist/helper.js',
      'extension/dist/main.js',
      'extension/dist/oidc.js',
      'extension/dist/sso.js',
      'extension/media/callback.html',
      'extension/media/consent.css',
      'extension/media/consent.js',
      'extension/media/dashboard.css',
      'extension/media/dashboard.js',
      'extension/media/icon.png',
      'extension/media/walkthrough/claudeCode.md',
      'extension/media/walkthrough/diagnose.md',
      'extension/media/walkthrough/models.md',
      'extension/media/walkthrough/signIn.md',
      'extension/media/walkthrough/terminal.md',
      'extension/media/walkthrough/usage.md',
      'extension/org-defaults.json',
      'extension/package.json',
      'extension/readme.md',
    ]);
    const manifest = JSON.parse(files.get('extension/package.json')!.toString()) as {
      contributes: { configuration: { properties: Record<string, { default: unknown; scope: string }> } };
      scripts?: unknown;
      devDependencies?: unknown;
    };
    const properties = manifest.contributes.configuration.properties;
    assert.equal(properties['claudeBedrock.issuer'].default, defaults.issuer);
    assert.equal(properties['claudeBedrock.region'].default, 'eu-central-1');
    assert.equal(properties['claudeBedrock.quotaApiUrl'].default, defaults.quotaApiUrl);
    assert.equal(properties['claudeBedrock.issuer'].scope, 'machine', 'still not settable by a workspace');
    assert.equal(manifest.scripts, undefined);
    assert.equal(manifest.devDependencies, undefined);
    assert.deepEqual(JSON.parse(files.get('extension/org-defaults.json')!.toString()), defaults);
    for (const [name, content] of files) assert.doesNotMatch(content.toString('latin1'), /sourceMappingURL=/, `${name} has no source map`);
  });

  it('fails the build on a bad defaults file, naming the field', () => {
    const result = packageWith({ issuer: 'http://idp.example.com/', roleArn: 'ClaudeCode', colour: 'blue', redirectPort: 80 }, path.join(dir, 'bad.vsix'));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /field "colour" is not a setting of this extension/);
    assert.match(result.stderr, /field "issuer" must be an https:\/\/ URL/);
    assert.match(result.stderr, /field "roleArn" must be an IAM role ARN/);
    assert.match(result.stderr, /field "redirectPort" must be >= 1024/);
  });

  it('fails the build on a defaults file that is not JSON', () => {
    const result = packageWith('{ issuer: ', path.join(dir, 'broken.vsix'));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /not valid JSON/);
  });
});

describe('the organisation defaults schema', () => {
  it('covers exactly the extension\'s settings', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require(path.join(ROOT, 'src', 'config', 'orgDefaults.schema.json')) as { properties: Record<string, unknown> };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require(path.join(ROOT, 'package.json')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^claudeBedrock\./, '')).sort());
  });
});
