// The extension's body, loaded by extension.ts right after activation: builds the objects and
// returns the command table. openid-client and the AWS SDK clients load later still, on first use.
import * as vscode from 'vscode';
import { Auth } from './auth/auth';
import { BedrockAuthenticationProvider } from './auth/provider';
import { SESSION_KEY, SessionStore } from './auth/session';
import { commandTable } from './commands';
import { Config } from './config/config';
import { Log } from './log';
import { Notifier } from './ui/notify';
import { ModelService } from './models/modelService';
import { TerminalEnvironment } from './terminal/environment';
import { ModelReportView } from './ui/modelReport';
import { Dashboard } from './ui/dashboard';
import { UsageStatus } from './ui/usageStatus';
import { UsageService } from './usage/usageService';
import { StatusBar } from './ui/statusBar';

export interface Main {
  readonly commands: Record<string, (...args: unknown[]) => unknown>;
  readonly testApi: TestApi | undefined;
}

function setContext(key: string, value: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', `claudeBedrock.${key}`, value);
}

export function start(context: vscode.ExtensionContext, accountItem: vscode.StatusBarItem): Main {
  const log = new Log('Claude Bedrock');
  const config = new Config();
  const store = new SessionStore(context.secrets, log);
  const testing = context.extensionMode === vscode.ExtensionMode.Test;
  const notifier = new Notifier(log, testing);
  const auth = new Auth({
    config,
    store,
    log,
    notifier,
    mediaDir: vscode.Uri.joinPath(context.extensionUri, 'media').fsPath,
    lockDir: context.globalStorageUri.fsPath,
  });
  const models = new ModelService(auth, config, log, notifier);
  const modelReport = new ModelReportView(models);
  const usage = new UsageService(auth, config, log, context.globalStorageUri.fsPath);
  const usageStatus = new UsageStatus();
  const dashboard = new Dashboard(usage, auth, vscode.Uri.joinPath(context.extensionUri, 'media'), log);
  const statusBar = new StatusBar(accountItem);
  const renderStatus = () => {
    statusBar.render(auth.state, models.problems);
    usageStatus.render(auth.state.kind === 'signedIn', usage.state);
  };
  renderStatus();
  const terminals = new TerminalEnvironment({
    collection: context.environmentVariableCollection,
    auth,
    config,
    log,
    notifier,
    storageDir: context.globalStorageUri.fsPath,
  });

  context.subscriptions.push(
    log,
    config,
    store,
    auth,
    statusBar,
    terminals,
    models,
    modelReport,
    auth.onDidChangeState((state) => {
      renderStatus();
      void setContext('signingIn', state.kind === 'signingIn');
      void setContext('signedIn', state.kind === 'signedIn');
    }),
    models.onDidChange((report) => {
      renderStatus();
      void setContext('modelsReady', Boolean(report && report.checks.every((c) => c.usable)));
    }),
    // The walkthrough's steps complete themselves: a terminal opened while signed in, the dashboard seen.
    vscode.window.onDidOpenTerminal(() => {
      if (auth.session) void setContext('terminalUsed', true);
    }),
    dashboard.onDidShow(() => void setContext('usageSeen', true)),
    usage,
    usageStatus,
    dashboard,
    usage.onDidChange(renderStatus),
    new BedrockAuthenticationProvider(auth),
  );
  const commands = commandTable({ auth, config, log, notifier, models, modelReport, usage, dashboard });

  const ready = auth
    .initialize()
    .then(() => {
      usage.follow();
      return terminals.update();
    })
    .catch((error: unknown) => log.error('Reading the stored session failed', error));

  // The integration tests look inside through this object; it exists only when VS Code runs
  // the extension's tests, never for users.
  if (!testing) return { commands, testApi: undefined };
  const testApi: TestApi = {
    ready,
    state: () => auth.state,
    signInFollowers: () => auth.signInFollowers,
    signInRole: () => auth.signInRole,
    statusBar: () => statusBar.current,
    notifications: notifier.shown,
    storedSecretKeys: async () => context.secrets.keys(),
    hasStoredSession: async () => (await context.secrets.get(SESSION_KEY)) !== undefined,
    globalState: () => context.globalState.keys().map((key) => [key, context.globalState.get(key)] as const),
    workspaceState: () => context.workspaceState.keys().map((key) => [key, context.workspaceState.get(key)] as const),
    terminalEnvironment: () => {
      const vars: Record<string, string> = {};
      context.environmentVariableCollection.forEach((name, mutator) => (vars[name] = mutator.value));
      return vars;
    },
    terminalsUpdated: () => terminals.update(),
    endpointUri: () => terminals.endpointUri(),
    modelReport: () => models.report,
    modelReportHtml: () => modelReport.html,
    usage: () => usage.state,
    usageStatus: () => usageStatus.current,
    dashboardHtml: () => dashboard.html,
    dashboardDropped: () => dashboard.dropped,
    logUri: context.logUri,
    globalStorageUri: context.globalStorageUri,
  };
  return { commands, testApi };
}

export interface TestApi {
  readonly ready: Promise<void>;
  state(): Auth['state'];
  /** How many other windows joined this window's latest sign-in. */
  signInFollowers(): number;
  /** Whether the sign-in under way runs in this window or waits for another window's. */
  signInRole(): Auth['signInRole'];
  statusBar(): StatusBar['current'];
  readonly notifications: Notifier['shown'];
  storedSecretKeys(): Promise<string[]>;
  hasStoredSession(): Promise<boolean>;
  globalState(): (readonly [string, unknown])[];
  workspaceState(): (readonly [string, unknown])[];
  terminalEnvironment(): Record<string, string>;
  /** Resolves once the terminal environment has caught up with the latest change. */
  terminalsUpdated(): Promise<void>;
  endpointUri(): Promise<string | undefined>;
  modelReport(): ModelService['report'];
  modelReportHtml(): string | undefined;
  usage(): UsageService['state'];
  usageStatus(): UsageStatus['current'];
  dashboardHtml(): string | undefined;
  dashboardDropped(): number;
  readonly logUri: vscode.Uri;
  readonly globalStorageUri: vscode.Uri;
}

