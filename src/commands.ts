// The command table: every command the extension contributes, each a small function.
import * as vscode from 'vscode';
import type { Auth } from './auth/auth';
import { displayName } from './auth/identity';
import { expiresAt } from './auth/sessionModel';
import { stsEndpointFor } from './aws/credentials';
import type { Config } from './config/config';
import { DEFAULTS } from './config/schema';
import { SHOW_LOG, SIGN_IN, SIGN_OUT, awsErrorCode } from './failures';
import { loadSts } from './lazy';
import type { Log } from './log';
import { INSTALL_COMMAND, openClaudeTerminal } from './terminal/claudeTerminal';
import type { ModelRole } from './models/check';
import { pickModels } from './models/chooseModels';
import type { ModelService } from './models/modelService';
import type { Dashboard } from './ui/dashboard';
import type { ModelReportView } from './ui/modelReport';
import type { UsageService } from './usage/usageService';
import { clockTime } from './ui/format';
import type { Notifier } from './ui/notify';

export interface CommandContext {
  readonly auth: Auth;
  readonly config: Config;
  readonly log: Log;
  readonly notifier: Notifier;
  readonly models: ModelService;
  readonly modelReport: ModelReportView;
  readonly usage: UsageService;
  readonly dashboard: Dashboard;
}

const MODEL_ROLES: readonly string[] = ['model', 'smallFastModel'];
/** What a model setting can hold: an inference profile ID or a Bedrock ARN. */
const MODEL_VALUE = /^(?:[a-z]+\.)?anthropic\.[\w.:-]{1,200}$|^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:[\w/.:-]{1,300}$/;

async function checkModelsCommand({ auth, models, modelReport, notifier }: CommandContext) {
  if (!auth.session) {
    notifier.show('info', 'Sign in first: the models are checked with your AWS credentials.', [SIGN_IN]);
    return undefined;
  }
  const report = await models.check(true);
  await modelReport.show();
  return report;
}

async function chooseModelsCommand({ auth, config, models, notifier }: CommandContext) {
  if (!auth.session) {
    notifier.show('info', 'Sign in first: the models to choose from are the ones your AWS account offers.', [SIGN_IN]);
    return undefined;
  }
  const report = await models.check(false);
  const checked = config.models();
  if (!report || !checked.ok) {
    notifier.show('warning', 'The inference profiles of your region could not be listed. Show the log for details.', [SHOW_LOG]);
    return undefined;
  }
  if (report.profiles.length === 0) {
    notifier.show('warning', `No active Claude inference profiles are offered to your account in ${report.region}. Ask your platform team which region to use.`, [
      { kind: 'openSetting', setting: 'claudeBedrock.region' },
    ]);
    return undefined;
  }
  return pickModels(report.profiles, report.region, { model: checked.value.model, smallFastModel: checked.value.smallFastModel }, config);
}

async function applyModelFix({ models }: CommandContext, role: unknown, value: unknown): Promise<boolean> {
  // Reached from a notification button or the report page's links: arguments are checked.
  if (typeof role !== 'string' || !MODEL_ROLES.includes(role) || typeof value !== 'string' || !MODEL_VALUE.test(value)) return false;
  await models.applyFix(role as ModelRole, value);
  return true;
}

/** What "Show Account" found: nothing secret. */
export interface AccountInfo {
  readonly subject: string;
  readonly email: string | undefined;
  readonly name: string | undefined;
  readonly arn: string | undefined;
  readonly account: string | undefined;
  readonly expiration: string;
  readonly verified: boolean;
}

async function showAccount({ auth, config, log, notifier }: CommandContext): Promise<AccountInfo | undefined> {
  const session = auth.session;
  if (!session) {
    const state = auth.state;
    const message =
      state.kind === 'needsSignIn'
        ? `${state.reason} Sign in again to continue.`
        : 'You are not signed in to Claude Code on Amazon Bedrock.';
    notifier.show('info', message, [SIGN_IN]);
    return undefined;
  }
  const { identity } = session;
  const who = identity.name && identity.email ? `${identity.name} (${identity.email})` : displayName(identity);
  const until = clockTime(expiresAt(session));
  const checked = config.signIn();
  const endpoint = stsEndpointFor(session.region, checked.ok ? checked.value.stsEndpoint : undefined);
  const timeoutMs = (checked.ok ? checked.value.requestTimeout : DEFAULTS.requestTimeout) * 1000;
  const base = { subject: identity.subject, email: identity.email, name: identity.name, expiration: session.credentials.expiration };
  try {
    const caller = await loadSts().getCallerIdentity({ region: session.region, endpoint, timeoutMs }, session.credentials);
    log.info(`AWS confirms the session credentials belong to ${caller.arn}.`);
    notifier.show('info', `Signed in as ${who}. AWS identity: ${caller.arn}. Credentials renew automatically; the current ones are valid until ${until}.`, [
      SIGN_OUT,
    ]);
    return { ...base, arn: caller.arn, account: caller.account, verified: true };
  } catch (error) {
    log.error('GetCallerIdentity with the session credentials failed', error);
    const code = awsErrorCode(error) ?? 'no answer';
    notifier.show('warning', `Signed in as ${who}, but AWS did not confirm the saved credentials (${code}). Sign in again if Claude Code cannot reach Bedrock.`, [
      SIGN_IN,
      SHOW_LOG,
    ]);
    return { ...base, arn: undefined, account: undefined, verified: false };
  }
}

async function openTerminal({ auth, notifier }: CommandContext): Promise<{ opened: boolean }> {
  if (!auth.usableSession) {
    notifier.show('info', 'Sign in first: Claude Code in the terminal runs on Amazon Bedrock with your corporate sign-in.', [
      { kind: 'run', label: 'Sign In', command: 'claudeBedrock.signInAndOpenTerminal' },
    ]);
    return { opened: false };
  }
  if (!vscode.workspace.isTrusted) {
    notifier.show('warning', 'This workspace is in Restricted Mode, so its terminals get no AWS credentials. Trust the workspace to use Claude Code here.', [
      { kind: 'run', label: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
    ]);
    return { opened: false };
  }
  await openClaudeTerminal(() =>
    notifier.show('warning', `Claude Code is not installed: "claude" is not on this terminal's PATH. Install it with: ${INSTALL_COMMAND}`, [
      { kind: 'copyLink', text: INSTALL_COMMAND, label: 'Copy Install Command' },
    ]),
  );
  return { opened: true };
}

/** Every command of the extension, by id (extension.ts registers them). */
export function commandTable(ctx: CommandContext): Record<string, (...args: unknown[]) => unknown> {
  return {
    'claudeBedrock.signIn': () => ctx.auth.signIn().then((s) => (s ? { signedIn: true, subject: s.identity.subject } : { signedIn: false })),
    'claudeBedrock.signOut': async () => {
      const had = ctx.auth.state.kind !== 'signedOut';
      await ctx.auth.signOut();
      if (had) ctx.notifier.show('info', 'Signed out of Claude Code on Amazon Bedrock.');
    },
    'claudeBedrock.cancelSignIn': () => ctx.auth.cancel(),
    'claudeBedrock.showAccount': () => showAccount(ctx),
    'claudeBedrock.refreshCredentials': () => ctx.auth.refreshNow().then((s) => ({ refreshed: Boolean(s) })),
    'claudeBedrock.showLog': () => ctx.log.show(),
    'claudeBedrock.openClaudeTerminal': () => openTerminal(ctx),
    'claudeBedrock.checkModels': () => checkModelsCommand(ctx),
    'claudeBedrock.chooseModels': () => chooseModelsCommand(ctx),
    'claudeBedrock.showModelReport': () => ctx.modelReport.show(),
    'claudeBedrock.applyModelFix': (role, value) => applyModelFix(ctx, role, value),
    'claudeBedrock.showUsage': () => {
      if (!ctx.auth.session) {
        ctx.notifier.show('info', 'Sign in first: your usage is read with your AWS credentials.', [SIGN_IN]);
        return;
      }
      ctx.dashboard.show();
    },
    'claudeBedrock.refreshUsage': () => ctx.usage.refresh().then(() => ctx.usage.state),
    'claudeBedrock.signInAndOpenTerminal': async () => ((await ctx.auth.signIn()) ? openTerminal(ctx) : { opened: false }),
  };
}
