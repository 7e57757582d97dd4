// Builds the extension (dist/) and, with --tests, the test suites and harness (out/).
//
//   node esbuild.mjs               development build of the extension
//   node esbuild.mjs --production  minified build, as packaged in the VSIX
//   node esbuild.mjs --tests       extension + unit tests + integration tests + harness
//
// The extension is split into an entry bundle that activation loads and "heavy" bundles
// (openid-client, the AWS SDK clients) that src/lazy.ts loads on first use, so activation
// never pays for them.
//
// Organisation defaults: src/orgDefaults.json is baked into the entry bundle. A platform team
// builds with CLAUDE_BEDROCK_ORG_DEFAULTS=/path/to/their.json to bake in their own file instead.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const withTests = args.has('--tests');

/** The heavy bundles: entry name -> source. Keep in step with src/lazy.ts. */
const heavy = {
  oidc: 'src/auth/oidc.ts',
  sts: 'src/aws/sts.ts',
  bedrock: 'src/aws/bedrock.ts',
  cloudwatch: 'src/aws/cloudwatch.ts',
};

function orgDefaultsPlugin() {
  const override = process.env.CLAUDE_BEDROCK_ORG_DEFAULTS;
  return {
    name: 'org-defaults',
    setup(build) {
      build.onResolve({ filter: /orgDefaults\.json$/ }, (args) => {
        if (!override) return undefined;
        const file = path.resolve(override);
        if (!existsSync(file)) throw new Error(`CLAUDE_BEDROCK_ORG_DEFAULTS names ${file}, which does not exist.`);
        JSON.parse(readFileSync(file, 'utf8'));
        return { path: file };
      });
    },
  };
}

const extensionOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  keepNames: true,
  sourcemap: production ? false : 'linked',
  legalComments: production ? 'none' : 'inline',
  logLevel: 'warning',
  plugins: [orgDefaultsPlugin()],
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
  // Unit tests: pure logic, run by mocha in plain Node.
  await esbuild.build({
    ...common,
    entryPoints: files('test/unit', '.test.ts'),
    format: 'cjs',
    external: ['mocha'],
  });
  // Integration tests: run inside VS Code's extension host.
  await esbuild.build({
    ...common,
    entryPoints: ['test/integration/index.ts', ...files('test/integration', '.test.ts')],
    format: 'cjs',
    external: ['vscode', 'mocha'],
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

await buildExtension();
if (withTests) await buildTests();
