// npm run sandbox: the product running locally with no AWS account.
//
// Starts the test IdP (with a demo user, and a second one over quota), the AWS emulator (a model
// catalog, a month of the demo user's usage, quota policies, a Cognito identity pool), and the
// VS Code server with the packaged VSIX installed, its organisation defaults pointing at them,
// the way a platform team ships it. SANDBOX_FEDERATION=cognito signs in through the identity
// pool instead of STS; SANDBOX_FEDERATION=identityCenter through the emulator's IAM Identity Center. Open the printed address in a browser on this machine. Ctrl+C stops
// everything it started.
// The UI end-to-end tests (test/e2e) run against this same sandbox through startSandbox().
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE, ROOT } from './paths';
import { writeSandboxRecords } from './sandboxRecords';
import { freePort, startWorkbench, workbenchFolders, type VsCodeServer } from './vscode';
import { POOL_ID, ROLE_ARN, REGION, SSO_START_URL, startWorld, type World } from './world';

export const DEMO_USER = { login: 'demo', email: 'demo@example.com' };
/** The demo user's quota: what the sandbox's quota API answers. */
export const DEMO_QUOTA = { monthly_limit: 5_000_000, daily_limit: 400_000 };
/** A second demo user, whose monthly quota is used up: the quota service blocks them. */
export const OVER_QUOTA_USER = { login: 'overquota', email: 'overquota@example.com' };

export interface SandboxOptions {
  readonly ports?: { vscode?: number; idp?: number; aws?: number; redirect?: number };
  /** Where everything lives; wiped at start. */
  readonly dir?: string;
  /** More VSIX files to install beside the extension (the benchmark's empty extension). */
  readonly extraExtensions?: readonly string[];
  readonly quiet?: boolean;
  /** Opens the folder in Restricted Mode (workspace trust on, the folder not trusted). */
  readonly untrusted?: boolean;
  /** How a sign-in becomes AWS keys: the IdP and STS (the default), the IdP and the emulator's Cognito identity pool, or its IAM Identity Center. */
  readonly federation?: 'direct' | 'cognito' | 'identityCenter';
}

export interface Sandbox {
  readonly world: World;
  readonly server: VsCodeServer;
  readonly url: string;
  readonly workspace: string;
  readonly vsix: string;
  readonly userDataDir: string;
  /** The home folder of the sandbox's VS Code, its terminals and Claude Code. */
  readonly home: string;
  /** The demo user's seeded usage this month, in tokens. */
  readonly seededTokens: { month: number; today: number };
  stop(): Promise<void>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, quiet: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** A plausible month for the demo user: weekday bursts, quiet weekends, some of it today. */
function seedUsage(world: World, email: string): { month: number; today: number } {
  const now = Date.now();
  const day = 86_400_000;
  const today = Math.floor(now / day) * day;
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  let month = 0;
  let todayTokens = 0;
  for (let t = monthStart, i = 0; t <= today; t += day, i++) {
    const weekday = new Date(t).getUTCDay() % 6 !== 0;
    const tokens = t === today ? 96_000 : weekday ? 120_000 + ((i * 37_000) % 90_000) : 8_000;
    const at = t === today ? Math.min(now - 1000, t + 60_000) : t + 12 * 3600_000;
    month += tokens;
    if (t === today) todayTokens = tokens;
    const dimensions = [
      { Name: 'user.email', Value: email },
      { Name: 'OTelLib', Value: 'com.anthropic.claude_code' },
    ];
    world.aws.cloudwatch.putMetricData({
      Namespace: 'ClaudeCode',
      MetricData: [
        { MetricName: 'claude_code.token.usage', Dimensions: dimensions, Timestamp: at, Value: tokens, Unit: 'Count' },
        { MetricName: 'claude_code.cost.usage', Dimensions: dimensions, Timestamp: at, Value: tokens / 100_000, Unit: 'None' },
      ],
    });
  }
  return { month, today: todayTokens };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const quiet = options.quiet ?? false;
  const dir = options.dir ?? path.join(CACHE, 'sandbox');
  rmSync(dir, { recursive: true, force: true });
  const folders = workbenchFolders(dir);
  const { workspace, home } = folders;
  writeFileSync(path.join(workspace, 'README.md'), '# Sandbox project\n\nOpen a terminal and run `claude`.\n');

  const world = await startWorld({ idp: options.ports?.idp, aws: options.ports?.aws });
  const seededTokens = seedUsage(world, DEMO_USER.email);
  world.aws.quota.policies[DEMO_USER.email] = DEMO_QUOTA;
  world.aws.quota.policies[OVER_QUOTA_USER.email] = {
    ...DEMO_QUOTA,
    blocked: 'monthly_exceeded',
    message: 'Your team lead can raise your limit in the quota dashboard.',
  };

  // What a platform team bakes into its package: the IdP, the role, the region, the endpoints.
  const orgDefaults = path.join(dir, 'org-defaults.json');
  const endpoint = world.aws.endpoint;
  writeFileSync(
    orgDefaults,
    JSON.stringify(
      {
        issuer: world.idp.issuer,
        clientId: world.idp.clientId,
        roleArn: ROLE_ARN,
        region: REGION,
        ...(options.ports?.redirect ? { redirectPort: options.ports.redirect } : {}),
        stsEndpoint: endpoint,
        bedrockEndpoint: endpoint,
        bedrockControlEndpoint: endpoint,
        cloudWatchEndpoint: endpoint,
        quotaApiUrl: `${endpoint}/quota/check`,
        ...(options.federation === 'cognito' ? { federation: 'cognitoIdentityPool', identityPoolId: POOL_ID, cognitoEndpoint: endpoint } : {}),
        ...(options.federation === 'identityCenter' ? { federation: 'identityCenter', ssoStartUrl: SSO_START_URL, ssoOidcEndpoint: endpoint, ssoPortalEndpoint: endpoint } : {}),
      },
      null,
      2,
    ),
  );
  const vsix = path.join(dir, 'claude-bedrock-sandbox.vsix');
  if (!quiet) process.stdout.write('Packaging the extension with the sandbox organisation defaults…\n');
  await run(process.execPath, [path.join(ROOT, 'esbuild.mjs'), '--package', '--out', vsix], { ...process.env, CLAUDE_BEDROCK_ORG_DEFAULTS: orgDefaults }, quiet);

  // The sandbox's own home: its terminals, its Claude Code (Connect Claude Code writes
  // <sandbox>/home/.claude/settings.json) and its shell history stay out of the real one.
  // A developer who has used Claude Code before: its first-run questions are answered.
  writeSandboxRecords(home, Date.now());
  writeFileSync(path.join(home, '.claude.json'), `${JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', projects: { [workspace]: { hasTrustDialogAccepted: true } } }, null, 2)}\n`);
  const workbench = await startWorkbench(folders, {
    extensions: [vsix, ...(options.extraExtensions ?? [])],
    quiet,
    port: options.ports?.vscode,
    userSettings: {
      'security.workspace.trust.enabled': options.untrusted === true,
      'security.workspace.trust.startupPrompt': 'never',
      // The DOM renderer: headless Chromium has no GPU, and the terminal's text stays readable.
      'terminal.integrated.gpuAcceleration': 'off',
      // The Claude Code CLI that npm ci installed, for the sandbox's terminals; no internet here.
      'terminal.integrated.env.linux': {
        PATH: `${path.join(ROOT, 'node_modules', '.bin')}:\${env:PATH}`,
        DISABLE_TELEMETRY: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      },
    },
  });
  return {
    world,
    server: workbench.server,
    url: workbench.url,
    workspace,
    vsix,
    userDataDir: workbench.userDataDir,
    home,
    seededTokens,
    async stop() {
      await workbench.server.stop();
      await world.close();
    },
  };
}

async function main(): Promise<void> {
  const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const sandbox = await startSandbox({
    ports: { vscode: port('SANDBOX_PORT', 8080), idp: port('SANDBOX_IDP_PORT', 9400), aws: port('SANDBOX_AWS_PORT', 9500) },
    federation: process.env.SANDBOX_FEDERATION === 'cognito' ? 'cognito' : process.env.SANDBOX_FEDERATION === 'identityCenter' ? 'identityCenter' : 'direct',
  });
  const federation =
    process.env.SANDBOX_FEDERATION === 'cognito'
      ? `the Cognito identity pool ${POOL_ID}`
      : process.env.SANDBOX_FEDERATION === 'identityCenter'
        ? `IAM Identity Center ${SSO_START_URL} (sign in there as "${DEMO_USER.email}")`
        : 'STS AssumeRoleWithWebIdentity';
  process.stdout.write(`
Claude Code on Amazon Bedrock: sandbox

  VS Code:        ${sandbox.url}
                  (the address carries the server's connection token, new for each run: without
                  it the server answers nobody, other users of this machine and other sites included)
  Identity:       ${sandbox.world.idp.issuer}  (sign in as "${DEMO_USER.login}", any password;
                  "${OVER_QUOTA_USER.login}" is over quota, and gets no credentials)
  AWS emulator:   ${sandbox.world.aws.endpoint}  (keys through ${federation})

Run "Claude Bedrock: Sign In" from the command palette (F1), then "Claude Bedrock: Open Claude
Code Terminal": claude answers from the emulator's Bedrock. Click the usage item in the status
bar for the dashboard. Ctrl+C stops everything.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the sandbox…\n');
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (process.argv[1]?.endsWith(`${path.sep}sandbox.mjs`)) await main();

export { freePort };
