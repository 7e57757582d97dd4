// Builds the extension (dist/) and, with --tests, the test suites and harness (out/).
//
//   node esbuild.mjs               development build of the extension
//   node esbuild.mjs --production  minified build, as packaged in the VSIX
//   node esbuild.mjs --tests       extension + the extension under test (out/extension: the same
//                                  bundles, with the tests' look inside) + unit tests +
//                                  integration tests + harness
//   node esbuild.mjs --package [--out file.vsix]
//                                  production build and the VSIX (npm run package)
//
// The extension is split into a tiny entry bundle that activation loads (dist/extension.js),
// its body loaded right after activation (dist/main.js), and the heavy bundles (openid-client,
// the AWS SDK clients) that src/bundles.ts loads on first use.
//
// Organisation defaults: CLAUDE_BEDROCK_ORG_DEFAULTS=/path/to/defaults.json npm run package
// checks the file against src/config/orgDefaults.schema.json (a bad file fails the build with
// the field named) and writes its values into the packaged package.json as the settings'
// defaults, where VS Code's Settings editor shows them and a user's own setting still wins.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const root = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const args = new Set(argv);
const packaging = args.has('--package');
const production = args.has('--production') || packaging;
const withTests = args.has('--tests');

/** The bundles loaded after activation: entry name -> source. Keep in step with src/bundles.ts. */
const heavy = {
  main: 'src/main.ts',
  oidc: 'src/idp/oidc.ts',
  aws: 'src/aws/index.ts',
  cognito: 'src/aws/cognito.ts',
  sso: 'src/aws/sso.ts',
  // Not loaded by the extension: the credentials helper Claude Code runs (src/helper/main.ts).
  helper: 'src/helper/main.ts',
};

/** jsonc-parser's UMD build requires its parts in a way a bundler cannot follow: use its ES modules. */
const alias = { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' };

const extensionOptions = {
  absWorkingDir: root,
  alias,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: production,

  sourcemap: production ? false : 'linked',
  legalComments: production ? 'none' : 'inline',
  logLevel: 'warning',
};

function files(dir, suffix, recursive = true) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f));
}

async function buildExtension() {
  rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  await esbuild.build({
    ...extensionOptions,
    entryPoints: { extension: 'src/extension.ts', ...heavy },
    outdir: 'dist',
    metafile: true,
  });
}

async function buildTests() {
  rmSync(path.join(root, 'out'), { recursive: true, force: true });
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    outbase: '.',
    outdir: 'out',
  };
  // The extension under test: the product's bundles, with an entry that adds the test API, in a
  // folder of its own with its manifest and media (extensionDevelopmentPath of the integration runs).
  const underTest = path.join(root, 'out', 'extension');
  await esbuild.build({
    ...extensionOptions,
    entryPoints: { extension: 'test/integration/extensionUnderTest.ts', ...heavy },
    outdir: path.join(underTest, 'dist'),
  });
  cpSync(path.join(root, 'package.json'), path.join(underTest, 'package.json'));
  cpSync(path.join(root, 'media'), path.join(underTest, 'media'), { recursive: true, filter: (src) => !src.includes(`${path.sep}screenshots`) });
  // Unit tests: pure logic and the stateful core, run by mocha in plain Node. They reach VS Code's
  // API only through the fakes their constructors are given; `vscode` itself is a stand-in that
  // has its value types (events, enums) and refuses everything else.
  await esbuild.build({
    ...common,
    entryPoints: [...files('test/unit', '.test.ts'), ...files('test/unit/fixtures', '.ts')],
    format: 'cjs',
    external: ['mocha'],
    alias: { ...alias, vscode: './test/unit/fakes/vscode.ts' },
  });
  // Integration tests: run inside VS Code's extension host.
  await esbuild.build({
    ...common,
    entryPoints: ['test/integration/index.ts', ...files('test/integration', '.test.ts')],
    format: 'cjs',
    external: ['vscode', 'mocha'],
    alias,
  });
  // UI end-to-end tests: Playwright against the sandbox, in plain Node as ES modules.
  await esbuild.build({
    ...common,
    entryPoints: files('test/e2e', '.test.ts'),
    format: 'esm',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
  });
  // The harness: IdP, AWS emulator, VS Code launcher. Runs in plain Node as ES modules.
  await esbuild.build({
    ...common,
    entryPoints: files('test/support', '.ts', false).filter((f) => !f.endsWith('.d.ts')),
    format: 'esm',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
  });
}

/** Reads and checks the organisation defaults; exits naming the field when they are wrong. */
function orgDefaults() {
  const file = process.env.CLAUDE_BEDROCK_ORG_DEFAULTS;
  if (!file) return {};
  const fail = (why) => {
    console.error(`Organisation defaults ${file}: ${why}`);
    process.exit(1);
  };
  if (!existsSync(file)) fail('the file does not exist.');
  let values;
  try {
    values = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`not valid JSON (${error.message}).`);
  }
  const schema = JSON.parse(readFileSync(path.join(root, 'src', 'config', 'orgDefaults.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, verbose: true });
  // "x-expected": what a pattern means, in words, for the error message.
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  const validate = ajv.compile(schema);
  if (!validate(values)) {
    const problems = validate.errors.map((e) => {
      const field = e.instancePath.replace(/^\//, '') || e.params.additionalProperty || '(the file)';
      const expected = e.parentSchema?.['x-expected'];
      const what =
        e.keyword === 'additionalProperties' ? 'is not a setting of this extension' : e.keyword === 'pattern' && expected ? `must be ${expected}` : e.message;
      return `field "${field}" ${what}`;
    });
    fail(`${problems.join('; ')}.`);
  }
  return values;
}

/** Stages what the VSIX holds, with the organisation defaults in package.json, and runs vsce. */
function packageVsix() {
  const defaults = orgDefaults();
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const properties = manifest.contributes.configuration.properties;
  for (const [key, value] of Object.entries(defaults)) properties[`claudeBedrock.${key}`].default = value;
  delete manifest.scripts;
  delete manifest.devDependencies;
  delete manifest.allowScripts;

  const stage = path.join(root, '.vscode-test', 'package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(path.join(stage, 'dist'), { recursive: true });
  for (const file of readdirSync(path.join(root, 'dist')).filter((f) => f.endsWith('.js'))) cpSync(path.join(root, 'dist', file), path.join(stage, 'dist', file));
  cpSync(path.join(root, 'media'), path.join(stage, 'media'), { recursive: true, filter: (src) => !src.includes(`${path.sep}screenshots`) });
  for (const file of ['CHANGELOG.md', 'LICENSE', '.vscodeignore']) cpSync(path.join(root, file), path.join(stage, file));
  // The README's screenshots stay out of the package; so do the lines that show them.
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8').replace(/^\s*!\[[^\]]*\]\(media\/screenshots\/[^)]*\)\n(\n)?/gm, '');
  writeFileSync(path.join(stage, 'README.md'), readme);
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(stage, 'org-defaults.json'), `${JSON.stringify(defaults, null, 2)}\n`);

  const outIndex = argv.indexOf('--out');
  const out = path.resolve(outIndex >= 0 ? argv[outIndex + 1] : path.join(root, `claude-bedrock-${manifest.version}.vsix`));
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd: stage, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log(`Packaged ${out}${Object.keys(defaults).length ? ` with ${Object.keys(defaults).length} organisation defaults` : ''}.`);
}

if (packaging) orgDefaults();
await buildExtension();
if (withTests) await buildTests();
if (packaging) packageVsix();
