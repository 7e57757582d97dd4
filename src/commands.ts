// The command table: every command the extension contributes, each a small function with the
// preconditions it needs (a session, a trusted workspace) declared beside it and applied in one
// place, commandTable(), which says what is missing and offers the way there.
import type * as vscode from 'vscode';
import type { SessionSource } from './auth/core';
import type { IdentityCenterFlow } from './auth/flows/identityCenter';
import { displayName } from './auth/identity';
import type { Renewal } from './auth/renewal';
import { expiresAt } from './auth/session';
import type { SignIn } from './auth/signIn';
import type { ClaudeCodeIntegration } from './claudeCode/integration';
import { stsEndpointFor } from './aws/endpoints';
import type * as StsModule from './aws/sts';
import type { Config } from './config/config';
import { DEFAULTS } from './config/groups';
import { awsErrorCode } from './errors/codes';
import { SHOW_LOG, SIGN_IN, SIGN_OUT, type Action, type Notify } from './errors/failure';
import { SIGN_IN_WITH_CODE } from './errors/signIn';
import type { Log } from './log';
import { PINNED_ROLES, type ModelRole } from './models/check';
import { pickModels } from './models/chooseModels';
import type { ModelService } from './models/modelService';
import { INSTALL_COMMAND, openClaudeTerminal } from './terminal/claudeTerminal';
import type { Dashboard } from './ui/dashboard';
import type { DiagnoseView } from './ui/diagnoseView';
import { clockTime } from './ui/format';
import type { ModelReportView } from './ui/modelReport';
import type { UsageService } from './usage/usageService';

export interface CommandContext {
  readonly sessions: SessionSource;
  readonly signIn: SignIn;
  readonly renewal: Renewal;
  readonly config: Config;
  readonly log: Log;
  readonly notify: Notify;
  readonly models: ModelService;
  readonly modelReport: ModelReportView;
  readonly usage: UsageService;
  readonly dashboard: Dashboard;
  readonly diagnose: Pick<DiagnoseView, 'run' | 'copyReport' | 'saveReport'>;
  readonly claudeCode: Pick<ClaudeCodeIntegration, 'connectWithConsent' | 'disconnect'>;
  /** IAM Identity Center: the next sign-in with a code. */
  readonly identityCenter: Pick<IdentityCenterFlow, 'applies' | 'useCodeNext'>;
  readonly sts: () => typeof StsModule;
  readonly trust: Pick<typeof vscode.workspace, 'isTrusted'>;
}

/** What a command needs before it runs; when it is missing, the sentence and buttons that say so. */
type Precondition = (ctx: CommandContext) => { message: string; actions: readonly Action[]; severity?: 'info' | 'warning' } | undefined;

interface Command {
  readonly needs?: readonly Precondition[];
  /** What the command returns when a precondition stops it. */
  readonly refused?: unknown;
  run(ctx: CommandContext, ...args: unknown[]): unknown;
}

/** A signed-in session (`usable`: or one whose keys still work); `then`: the command Sign In continues with. */
function signedIn(why: string, options: { usable?: boolean; then?: string } = {}): Precondition {
  return ({ sessions }) => {
    if (options.usable ? sessions.usableSession : sessions.session) return undefined;
    const signIn: Action = options.then ? { kind: 'run', label: 'Sign In', command: options.then } : SIGN_IN;
    return { message: `Sign in first: ${why}`, actions: [signIn] };
  };
}

const account: Precondition = ({ sessions }) => {
  if (sessions.session) return undefined;
  const state = sessions.state;
  const message = state.kind === 'needsSignIn' ? `${state.reason} Sign in again to continue.` : 'You are not signed in to Claude Code on Amazon Bedrock.';
  return { message, actions: [SIGN_IN] };
};

const trusted: Precondition = ({ trust }) =>
  trust.isTrusted
    ? undefined
    : {
        severity: 'warning',
        message: 'This workspace is in Restricted Mode, so its terminals get no AWS credentials. Trust the workspace to use Claude Code here.',
        actions: [{ kind: 'run', label: 'Manage Workspace Trust', command: 'workbench.trust.manage' }],
      };

const MODEL_ROLES: readonly string[] = PINNED_ROLES;
/** What a model setting can hold: an inference profile ID or a Bedrock ARN. */
const MODEL_VALUE = /^(?:[a-z]+\.)?anthropic\.[\w.:-]{1,200}$|^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:[\w/.:-]{1,300}$/;

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

async function showAccount({ sessions, config, log, notify, sts }: CommandContext): Promise<AccountInfo> {
  const session = sessions.session!;
  const { identity } = session;
  const who = identity.name && identity.email ? `${identity.name} (${identity.email})` : displayName(identity);
  const until = clockTime(expiresAt(session));
  const checked = config.activeSignIn().checked;
  const endpoint = stsEndpointFor(session.region, checked.ok ? checked.value.stsEndpoint : undefined);
  const timeoutMs = (checked.ok ? checked.value.requestTimeout : DEFAULTS.requestTimeout) * 1000;
  const base = { subject: identity.subject, email: identity.email, name: identity.name, expiration: session.credentials.expiration };
  try {
    const caller = await sts().getCallerIdentity({ region: session.region, endpoint, timeoutMs }, session.credentials);
    log.info(`AWS confirms the session credentials belong to ${caller.arn}.`);
    notify.show('info', `Signed in as ${who}. AWS identity: ${caller.arn}. Credentials renew automatically; the current ones are valid until ${until}.`, [SIGN_OUT]);
    return { ...base, arn: caller.arn, account: caller.account, verified: true };
  } catch (error) {
    log.error('GetCallerIdentity with the session credentials failed', error);
    const code = awsErrorCode(error) ?? 'no answer';
    notify.show('warning', `Signed in as ${who}, but AWS did not confirm the saved credentials (${code}). Sign in again if Claude Code cannot reach Bedrock.`, [SIGN_IN, SHOW_LOG]);
    return { ...base, arn: undefined, account: undefined, verified: false };
  }
}

async function openTerminal({ notify }: CommandContext): Promise<{ opened: boolean }> {
  await openClaudeTerminal(() =>
    notify.show('warning', `Claude Code is not installed: "claude" is not on this terminal's PATH. Install it with: ${INSTALL_COMMAND}`, [
      { kind: 'copyLink', text: INSTALL_COMMAND, label: 'Copy Install Command' },
    ]),
  );
  return { opened: true };
}

const terminalNeeds = [signedIn('Claude Code in the terminal runs on Amazon Bedrock with your corporate sign-in.', { usable: true, then: 'claudeBedrock.signInAndOpenTerminal' }), trusted];

const COMMANDS: Readonly<Record<string, Command>> = {
  'claudeBedrock.signIn': { run: ({ signIn }) => signIn.signIn().then((s) => (s ? { signedIn: true, subject: s.identity.subject } : { signedIn: false })) },
  [SIGN_IN_WITH_CODE]: {
    run: async ({ identityCenter, signIn, notify }) => {
      if (!identityCenter.applies()) {
        notify.show('info', 'Signing in with a code is for IAM Identity Center; your sign-in opens the browser. Use Claude Bedrock: Sign In.', [SIGN_IN]);
        return { signedIn: false };
      }
      identityCenter.useCodeNext();
      const session = await signIn.signIn();
      return session ? { signedIn: true, subject: session.identity.subject } : { signedIn: false };
    },
  },
  'claudeBedrock.signOut': {
    run: async ({ sessions, signIn, notify }) => {
      const had = sessions.state.kind !== 'signedOut';
      await signIn.signOut();
      if (had) notify.show('info', 'Signed out of Claude Code on Amazon Bedrock.');
    },
  },
  'claudeBedrock.cancelSignIn': { run: ({ signIn }) => signIn.cancel() },
  'claudeBedrock.showAccount': { needs: [account], run: showAccount },
  'claudeBedrock.refreshCredentials': { run: ({ renewal }) => renewal.refreshNow().then((s) => ({ refreshed: Boolean(s) })) },
  'claudeBedrock.showLog': { run: ({ log }) => log.show() },
  'claudeBedrock.diagnose': { run: ({ diagnose }) => diagnose.run().then((rows) => rows.map((r) => ({ id: r.id, status: r.status, found: r.found, fix: r.fix }))) },
  'claudeBedrock.copyDiagnoseReport': { run: ({ diagnose }) => diagnose.copyReport() },
  'claudeBedrock.saveDiagnoseReport': { run: ({ diagnose }) => diagnose.saveReport() },
  'claudeBedrock.openClaudeTerminal': { needs: terminalNeeds, refused: { opened: false }, run: openTerminal },
  'claudeBedrock.signInAndOpenTerminal': {
    refused: { opened: false },
    run: async (ctx) => ((await ctx.signIn.signIn()) ? commandTable(ctx)['claudeBedrock.openClaudeTerminal']() : { opened: false }),
  },
  'claudeBedrock.checkModels': {
    needs: [signedIn('the models are checked with your AWS credentials.')],
    run: async ({ models, modelReport }) => {
      const report = await models.check(true);
      await modelReport.show();
      return report;
    },
  },
  'claudeBedrock.chooseModels': {
    needs: [signedIn('the models to choose from are the ones your AWS account offers.')],
    run: async ({ config, models, notify }) => {
      const report = await models.check(false);
      const checked = config.models();
      if (!report || !checked.ok) {
        notify.show('warning', 'The inference profiles of your region could not be listed. Show the log for details.', [SHOW_LOG]);
        return undefined;
      }
      if (report.profiles.length === 0) {
        notify.show('warning', `No active Claude inference profiles are offered to your account in ${report.region}. Ask your platform team which region to use.`, [
          { kind: 'openSetting', setting: 'claudeBedrock.region' },
        ]);
        return undefined;
      }
      return pickModels(report.profiles, report.region, checked.value, config);
    },
  },
  'claudeBedrock.showModelReport': { run: ({ modelReport }) => modelReport.show() },
  'claudeBedrock.applyModelFix': {
    // Reached from a notification button or the report page's links: arguments are checked.
    run: async ({ models }, role, value) => {
      if (typeof role !== 'string' || !MODEL_ROLES.includes(role) || typeof value !== 'string' || !MODEL_VALUE.test(value)) return false;
      await models.applyFix(role as ModelRole, value);
      return true;
    },
  },
  'claudeBedrock.copyModelValue': {
    // Reached from the report page's Copy links: only a model ID or a profile ARN is copied.
    run: async ({ modelReport }, what, value) => {
      if ((what !== 'model ID' && what !== 'profile ARN') || typeof value !== 'string' || !MODEL_VALUE.test(value)) return false;
      await modelReport.copy(what, value);
      return true;
    },
  },
  'claudeBedrock.showUsage': { run: ({ dashboard }) => dashboard.show() },
  'claudeBedrock.refreshUsage': { run: ({ usage }) => usage.refresh().then(() => usage.state) },
  'claudeBedrock.connectClaudeCode': { run: ({ claudeCode }) => claudeCode.connectWithConsent() },
  'claudeBedrock.disconnectClaudeCode': { run: ({ claudeCode }) => claudeCode.disconnect() },
};

/** Every command of the extension, by id, with its preconditions applied (extension.ts registers them). */
export function commandTable(ctx: CommandContext): Record<string, (...args: unknown[]) => unknown> {
  const table: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [id, command] of Object.entries(COMMANDS)) {
    table[id] = (...args) => {
      for (const need of command.needs ?? []) {
        const missing = need(ctx);
        if (missing) {
          ctx.notify.show(missing.severity ?? 'info', missing.message, missing.actions);
          return command.refused;
        }
      }
      return command.run(ctx, ...args);
    };
  }
  return table;
}
