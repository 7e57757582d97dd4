// npm run sandbox: the product running locally with no AWS account.
//
// Starts the test IdP (with a demo user), the AWS emulator, and the VS Code server with the
// packaged extension installed, its organisation defaults pointing at them, the way a platform
// team ships it. Open the printed address in a browser on this machine. Ctrl+C stops everything.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureVsCodeServer } from './install';
import { CACHE, ROOT } from './paths';
import { startVsCodeServer } from './vscode';
import { ROLE_ARN, REGION, startWorld } from './world';

const PORTS = {
  vscode: Number(process.env.SANDBOX_PORT ?? 8080),
  idp: Number(process.env.SANDBOX_IDP_PORT ?? 9400),
  aws: Number(process.env.SANDBOX_AWS_PORT ?? 9500),
};

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const { node, serverMain } = await ensureVsCodeServer();
  const dir = path.join(CACHE, 'sandbox');
  rmSync(dir, { recursive: true, force: true });
  const workspace = path.join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), '# Sandbox project\n\nOpen a terminal and run `claude`.\n');

  const world = await startWorld({ idp: PORTS.idp, aws: PORTS.aws });

  // What a platform team bakes into its package: the IdP, the role, the region, the endpoints.
  const orgDefaults = path.join(dir, 'org-defaults.json');
  writeFileSync(
    orgDefaults,
    JSON.stringify(
      { issuer: world.idp.issuer, clientId: world.idp.clientId, roleArn: ROLE_ARN, region: REGION, stsEndpoint: world.aws.endpoint, bedrockEndpoint: world.aws.endpoint, bedrockControlEndpoint: world.aws.endpoint, cloudWatchEndpoint: world.aws.endpoint },
      null,
      2,
    ),
  );
  const vsix = path.join(dir, 'claude-bedrock-sandbox.vsix');
  const nodeFirst = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`, CLAUDE_BEDROCK_ORG_DEFAULTS: orgDefaults };
  process.stdout.write('Packaging the extension with the sandbox organisation defaults…\n');
  await run('npx', ['vsce', 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', vsix], nodeFirst);

  const serverDataDir = path.join(dir, 'server');
  const userDataDir = path.join(dir, 'user');
  await run(node, [serverMain, '--install-extension', vsix, '--force', '--server-data-dir', serverDataDir, '--user-data-dir', userDataDir, '--accept-server-license-terms'], process.env);

  const server = await startVsCodeServer({
    node,
    serverMain,
    serverDataDir,
    userDataDir,
    port: PORTS.vscode,
    userSettings: {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      // The Claude Code CLI that npm ci installed, for the sandbox's terminals; no internet here.
      'terminal.integrated.env.linux': {
        PATH: `${path.join(ROOT, 'node_modules', '.bin')}:\${env:PATH}`,
        DISABLE_TELEMETRY: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      },
    },
  });

  const url = `${server.origin}/?folder=${encodeURIComponent(workspace)}`;
  process.stdout.write(`
Claude Code on Amazon Bedrock: sandbox

  VS Code:        ${url}
  Identity:       ${world.idp.issuer}  (sign in as "demo", any password)
  AWS emulator:   ${world.aws.endpoint}

Run "Claude Bedrock: Sign In" from the command palette (F1), then "Claude Bedrock: Open Claude
Code Terminal": claude answers from the emulator's Bedrock. Ctrl+C stops everything.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the sandbox…\n');
    await server.stop();
    await world.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

await main();
