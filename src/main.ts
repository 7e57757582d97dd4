// The extension's body, loaded by extension.ts right after activation: builds every object,
// hands each its dependencies, and returns the command table. The only place that knows them
// all; openid-client and the AWS SDK clients load later still, on first use (bundles.ts).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SessionCore } from './auth/core';
import { FlowCatalog } from './auth/flows/catalog';
import { CognitoPoolFlow } from './auth/flows/cognitoPool';
import { IdentityCenterFlow, type RoleChoice } from './auth/flows/identityCenter';
import { OidcSteps } from './auth/flows/federated';
import { WebIdentityFlow } from './auth/flows/webIdentity';
import { Keys } from './auth/keys';
import { Renewal } from './auth/renewal';
import { SignIn } from './auth/signIn';
import { SessionStore } from './auth/store';
import { pageRenderer } from './browser/page';
import { loadAws, loadCognito, loadOidc, loadSso } from './bundles';
import { Broker } from './claudeCode/broker';
import { ClaudeCodeConnection } from './claudeCode/connection';
import { ClaudeCodeIntegration } from './claudeCode/integration';
import { writeLauncher, type Launcher } from './claudeCode/launcher';
import { awsConfigFile, claudeSettingsFile } from './claudeCode/places';
import { commandTable } from './commands';
import { Config } from './config/config';
import { IdpClients } from './idp/clients';
import { Log } from './log';
import { ModelService } from './models/modelService';
import { TerminalEnvironment } from './terminal/environment';
import { AccountsMenu } from './ui/accounts';
import { Dashboard } from './ui/dashboard';
import { ConsentView } from './ui/consentView';
import { createDiagnose } from './ui/diagnoseWiring';
import type { DiagnoseView } from './ui/diagnoseView';
import { browserUi, chooseRole, deviceCodeUi, panelSettings, signInProgress } from './ui/editorUi';
import { ModelReportView } from './ui/modelReport';
import { Notifier } from './ui/notify';
import { StatusBar } from './ui/statusBar';
import { UsageStatus } from './ui/usageStatus';
import { fetchQuota, fetchQuotaWith } from './quota/answer';
import { QuotaGate } from './quota/gate';
import { UsageService } from './usage/usageService';
import { systemClock } from './util/clock';
import { WindowBus } from './windows/bus';

/** Everything the extension is made of, once built. */
export interface Services {
  readonly log: Log;
  readonly config: Config;
  readonly channel: WindowBus;
  readonly store: SessionStore;
  readonly sessions: SessionCore;
  readonly signIn: SignIn;
  readonly renewal: Renewal;
  readonly keys: Keys;
  readonly quota: QuotaGate;
  readonly notifier: Notifier;
  readonly statusBar: StatusBar;
  readonly terminals: TerminalEnvironment;
  readonly models: ModelService;
  readonly modelReport: ModelReportView;
  readonly usage: UsageService;
  readonly usageStatus: UsageStatus;
  readonly dashboard: Dashboard;
  readonly claudeCode: ClaudeCodeConnection;
  readonly claudeCodeIntegration: ClaudeCodeIntegration;
  readonly consent: ConsentView;
  readonly diagnose: DiagnoseView;
}

export interface Running {
  readonly commands: Record<string, (...args: unknown[]) => unknown>;
  readonly services: Services;
  /** Settles once the stored session has been read and the terminals are set up. */
  readonly ready: Promise<void>;
}

function setContext(key: string, value: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', `claudeBedrock.${key}`, value);
}

export function start(context: vscode.ExtensionContext, accountItem: vscode.StatusBarItem): Running {
  const clock = systemClock;
  const storageDir = context.globalStorageUri.fsPath;
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const log = new Log(vscode.window.createOutputChannel('Claude Bedrock', { log: true }));
  const config = new Config(vscode.workspace);
  const notifier = new Notifier(log);
  const channel = WindowBus.start({ storageDir, log: (level, message) => log[level](message) });
  const store = new SessionStore(context.secrets, channel, log, clock);
  const idp = new IdpClients(loadOidc, log);
  const oidc = new OidcSteps({ idp, browser: browserUi(notifier), renderPage: () => pageRenderer(media.fsPath), log, clock });
  const ssoChoices = 'claudeBedrock.ssoChoices';
  const identityCenter = new IdentityCenterFlow({
    settings: () => config.identityCenter(),
    chosen: () => config.federation() === 'identityCenter',
    sso: loadSso,
    sts: loadAws,
    registrations: {
      get: async (startUrl) => {
        const raw = await context.secrets.get(`claudeBedrock.ssoRegistration:${startUrl}`);
        return raw ? (JSON.parse(raw) as Awaited<ReturnType<ReturnType<typeof loadSso>['registerClient']>>) : undefined;
      },
      set: (startUrl, registration) => Promise.resolve(context.secrets.store(`claudeBedrock.ssoRegistration:${startUrl}`, JSON.stringify(registration))),
    },
    remembered: {
      get: (startUrl) => context.globalState.get<Record<string, RoleChoice>>(ssoChoices)?.[startUrl],
      set: (startUrl, choice) => Promise.resolve(context.globalState.update(ssoChoices, { ...context.globalState.get<Record<string, RoleChoice>>(ssoChoices), [startUrl]: choice })),
      clear: () => Promise.resolve(context.globalState.update(ssoChoices, undefined)),
    },
    choose: chooseRole,
    browser: browserUi(notifier),
    deviceCode: deviceCodeUi(browserUi(notifier), notifier),
    renderPage: () => pageRenderer(media.fsPath),
    log,
    clock,
  });
  const flows = new FlowCatalog([
    identityCenter,
    new CognitoPoolFlow({ settings: () => config.cognito(), chosen: () => config.federation() === 'cognitoIdentityPool', oidc, cognito: loadCognito, log, clock }),
    new WebIdentityFlow({ settings: () => config.signIn(), chosen: () => config.federation() === 'direct', oidc, sts: loadAws, log, clock }),
  ]);
  const signInSettingsChanged: vscode.Event<void> = (listener, thisArg, disposables) =>
    config.onDidChange((areas) => areas.has('signIn') && listener.call(thisArg), undefined, disposables);
  // The quota gate: asked before every mint of keys, and every few minutes while signed in.
  const quota: QuotaGate = new QuotaGate({
    settings: () => config.quota(),
    fetchQuota,
    // Without an ID token (IAM Identity Center): the GET signed with the user's keys, as the guidance does.
    fetchQuotaSigned: async (url, credentials, timeoutMs) => {
      const aws = loadAws();
      return fetchQuotaWith(url, await aws.signedGetHeaders(url, credentials, aws.apiRegion(url, store.session?.region ?? 'us-east-1'), 'execute-api'), timeoutMs);
    },
    user: () => keys.quotaUser(),
    renew: () => renewal.renewNow(true),
    channel,
    notify: notifier,
    log,
    clock,
  });
  const sessions = new SessionCore({ store, flows, clock, onDidChangeSettings: signInSettingsChanged, quotaBlocked: () => quota.verdict?.kind === 'blocked' });
  const renewal: Renewal = new Renewal({ store, sessions, flows, admission: quota, channel, clock, log, notify: notifier });
  const keys = new Keys({ store, sessions, renewal, quota, clock, log });
  const signIn = new SignIn({ store, sessions, flows, renewal, admission: quota, channel, ui: signInProgress(), notify: notifier, log, clock });
  const models = new ModelService({ sessions, config, bedrock: (target) => loadAws().bedrockControl(target), log, notify: notifier, clock });
  const modelReport = new ModelReportView(models);
  const usage = new UsageService({
    sessions,
    quota,
    config,
    channel,
    fetchUsage: (query) => loadAws().fetchUsage(query),
    focus: vscode.window,
    log,
    clock,
  });
  // Claude Code's own settings (its VS Code panel, `claude` anywhere) on the same sign-in.
  let launcher: Promise<Launcher> | undefined;
  // Written at every activation: the runtime's path changes when VS Code updates.
  const helperLauncher = () =>
    (launcher ??= writeLauncher({ storageDir, runtime: process.execPath, helper: path.join(context.extensionUri.fsPath, 'dist', 'helper.js'), platform: process.platform }));
  const claudeCode = new ClaudeCodeConnection({
    secrets: context.secrets,
    files: { settings: claudeSettingsFile(process.env, os.homedir()), awsConfig: awsConfigFile(process.env, os.homedir()) },
    launcher: helperLauncher,
    config,
    panel: panelSettings(),
    channel,
    log,
  });
  const consent = new ConsentView(media, log);
  const claudeCodeIntegration = new ClaudeCodeIntegration({
    connection: claudeCode,
    sessions,
    config,
    consent,
    memento: context.globalState,
    onDidOpenTerminal: vscode.window.onDidOpenTerminal,
    notify: notifier,
    log,
  });
  const broker = new Broker({ channel, sessions, keys, signIn, clock, log });
  const usageStatus = new UsageStatus();
  const dashboard = new Dashboard(usage, sessions, media, log);
  const statusBar = new StatusBar(accountItem);
  const terminals = new TerminalEnvironment({
    collection: context.environmentVariableCollection,
    sessions,
    credentials: () => keys.credentials(),
    refusal: () => keys.refusal(),
    onDidChangeRefusal: quota.onDidChange,
    config,
    trust: vscode.workspace,
    log,
    notify: notifier,
    storageDir,
    launcher: helperLauncher,
    claudeCode,
  });
  const renderStatus = () => {
    statusBar.render(sessions.state, models.problems);
    usageStatus.render(sessions.state.kind === 'signedIn', usage.state);
  };
  renderStatus();

  context.subscriptions.push(
    log,
    config,
    notifier,
    store,
    sessions,
    renewal,
    signIn,
    statusBar,
    terminals,
    models,
    modelReport,
    usage,
    usageStatus,
    dashboard,
    quota,
    quota.onDidChange((verdict) => {
      // Blocked: a session whose keys ran out stays signed in. Allowed again: keys flow again.
      sessions.update();
      // Renewal waits while blocked; resumed, it renews at once when the keys are due.
      if (verdict?.kind !== 'blocked') renewal.resume();
      renderStatus();
    }),
    config.onDidChange((areas) => areas.has('quota') && quota.settingsChanged()),
    sessions.onDidChangeState((state) => {
      quota.follow();
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
      if (sessions.session) void setContext('terminalUsed', true);
    }),
    dashboard.onDidShow(() => void setContext('usageSeen', true)),
    usage.onDidChange(renderStatus),
    claudeCode,
    claudeCodeIntegration,
    consent,
    broker,
    claudeCode.onDidChange((connected) => void setContext('claudeCodeConnected', connected)),
    new AccountsMenu(sessions, signIn),
    { dispose: () => void channel.dispose() },
  );

  const diagnose = createDiagnose({ extensionPath: context.extensionPath, extensionVersion: String((context.extension.packageJSON as { version?: string }).version), config, sessions, store, signIn, aws: loadAws, models, usage, quota, claudeCode, terminals, notify: notifier, log, clock });
  context.subscriptions.push(diagnose);
  const services: Services = {
    log,
    config,
    channel,
    store,
    sessions,
    signIn,
    renewal,
    keys,
    quota,
    notifier,
    statusBar,
    terminals,
    models,
    modelReport,
    usage,
    usageStatus,
    dashboard,
    claudeCode,
    claudeCodeIntegration,
    consent,
    diagnose,
  };
  const commands = commandTable({ sessions, signIn, renewal, config, log, notify: notifier, models, modelReport, usage, dashboard, diagnose, claudeCode: claudeCodeIntegration, identityCenter, sts: loadAws, trust: vscode.workspace });
  const ready = store
    .load()
    .then(() => {
      sessions.update();
      renewal.schedule();
      quota.follow();
      usage.trackUser();
      return Promise.all([terminals.update(), claudeCodeIntegration.reconcile()]);
    })
    .then(() => undefined)
    .catch((error: unknown) => log.error('Reading the stored session failed', error));
  return { commands, services, ready };
}
