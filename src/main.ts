// The extension's body, loaded by extension.ts right after activation: builds every object,
// hands each its dependencies, and returns the command table. The only place that knows them
// all, and it only wires: each object subscribes to what it follows itself. openid-client and
// the AWS SDK clients load later still, on first use (bundles.ts).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SessionCore } from './auth/core';
import { FlowCatalog } from './auth/flows/catalog';
import { CognitoPoolFlow } from './auth/flows/cognitoPool';
import { OidcSteps } from './auth/flows/federated';
import { IdentityCenterFlow } from './auth/flows/identityCenter';
import { choicesIn, registrationsIn } from './auth/flows/identityCenterStores';
import { WebIdentityFlow } from './auth/flows/webIdentity';
import { Keys, quotaUser } from './auth/keys';
import { Renewal } from './auth/renewal';
import { SignIn } from './auth/signIn';
import { SessionStore } from './auth/store';
import { pageRenderer } from './browser/page';
import { loadAws, loadCognito, loadOidc, loadSso } from './bundles';
import { Broker } from './claudeCode/broker';
import { ClaudeCodeConnection } from './claudeCode/connection';
import { GatewayWatch } from './claudeCode/gatewayWatch';
import { ClaudeCodeIntegration } from './claudeCode/integration';
import { launcherOnce } from './claudeCode/launcher';
import { awsConfigFile, claudeSettingsFile } from './claudeCode/places';
import { commandTable } from './commands';
import { Config } from './config/config';
import { IdpClients } from './idp/clients';
import { Log } from './log';
import { ModelService } from './models/modelService';
import { routedModel } from './models/profiles';
import { fetchQuota, signedQuotaFetch } from './quota/answer';
import { QuotaGate } from './quota/gate';
import { TerminalEnvironment } from './terminal/environment';
import { AccountsMenu } from './ui/accounts';
import { ConsentView } from './ui/consentView';
import { Dashboard } from './ui/dashboard';
import { createDiagnose } from './ui/diagnoseWiring';
import { browserUi, chooseRole, deviceCodeUi, panelSettings, signInProgress } from './ui/editorUi';
import { ModelReportView } from './ui/modelReport';
import { Notifier } from './ui/notify';
import { StatusBar } from './ui/statusBar';
import { UsageStatus } from './ui/usageStatus';
import { lineFacts } from './ui/usageWords';
import { WhenKeys } from './ui/whenKeys';
import { LocalUsage } from './usage/localUsage';
import { recordFolders } from './usage/recordReader';
import { UsageService } from './usage/usageService';
import { systemClock } from './util/clock';
import { WindowBus } from './windows/bus';

/** Everything the extension is made of, once built, in the order it was built. */
export type Services = ReturnType<typeof build>;

export interface Running {
  readonly commands: Record<string, (...args: unknown[]) => unknown>;
  readonly services: Services;
  /** Settles once the stored session has been read and the terminals are set up. */
  readonly ready: Promise<void>;
}

function build(context: vscode.ExtensionContext, accountItem: vscode.StatusBarItem) {
  const clock = systemClock;
  const storageDir = context.globalStorageUri.fsPath;
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const log = new Log(vscode.window.createOutputChannel('Claude Bedrock', { log: true }));
  const config = new Config(vscode.workspace);
  const notifier = new Notifier(log);
  const channel = WindowBus.start({ storageDir, log: (level, message) => log[level](message) });
  const store = new SessionStore(context.secrets, channel, log, clock);
  const browser = browserUi(notifier);
  const renderPage = () => pageRenderer(media.fsPath);
  const oidc = new OidcSteps({ idp: new IdpClients(loadOidc, log), browser, renderPage, log, clock });
  const identityCenter = new IdentityCenterFlow({ settings: () => config.identityCenter(), chosen: () => config.federation() === 'identityCenter', sso: loadSso, sts: loadAws, registrations: registrationsIn(context.secrets), remembered: choicesIn(context.globalState), choose: chooseRole, browser, deviceCode: deviceCodeUi(browser, notifier), renderPage, log, clock });
  const flows = new FlowCatalog([
    identityCenter,
    new CognitoPoolFlow({ settings: () => config.cognito(), chosen: () => config.federation() === 'cognitoIdentityPool', oidc, cognito: loadCognito, log, clock }),
    new WebIdentityFlow({ settings: () => config.signIn(), chosen: () => config.federation() === 'direct', oidc, sts: loadAws, log, clock }),
  ]);
  const signInChanged = config.onDidChangeArea('signIn');
  // The quota gate: asked before every mint of keys, and every few minutes while signed in.
  const quota = new QuotaGate({ settings: () => config.quota(), fetchQuota, fetchQuotaSigned: signedQuotaFetch(loadAws, () => store.session?.region ?? 'us-east-1'), user: () => quotaUser(store, flows, clock.now()), onDidChangeUser: [store.onDidChange, signInChanged], onDidChangeSettings: config.onDidChangeArea('quota'), channel, notify: notifier, log, clock });
  const sessions = new SessionCore({ store, flows, clock, onDidChangeSettings: signInChanged, quota });
  const renewal = new Renewal({ store, sessions, flows, admission: quota, channel, clock, log, notify: notifier });
  const keys = new Keys({ store, sessions, renewal, quota, clock, log });
  // Where Claude Code signs in through the organisation's gateway, the extension stands aside.
  const gateway = new GatewayWatch({ env: process.env, home: os.homedir(), platform: process.platform, log, clock });
  const signIn = new SignIn({ store, sessions, flows, renewal, admission: quota, channel, ui: signInProgress(), notify: notifier, log, clock, standAside: () => gateway.standAside() });
  const models = new ModelService({ sessions, config, bedrock: (target) => loadAws().bedrockControl(target), log, notify: notifier, clock });
  const usage = new UsageService({ sessions, quota, config, channel, fetchUsage: (query) => loadAws().fetchUsage(query), focus: vscode.window, log, clock });
  // This machine's usage, live, from Claude Code's own records: one window reads them for all.
  const localUsage = new LocalUsage({ channel, settings: () => config.localUsage(), onDidChangeSettings: config.onDidChangeArea('usage'), folders: recordFolders(process.env, os.homedir()), resolve: (model) => routedModel(models.report?.profiles ?? [], model), notify: notifier, log, clock });
  // Claude Code's own settings (its VS Code panel, `claude` anywhere) on the same sign-in.
  const launcher = launcherOnce({ storageDir, runtime: process.execPath, helper: path.join(context.extensionUri.fsPath, 'dist', 'helper.js'), platform: process.platform });
  const claudeCode = new ClaudeCodeConnection({ secrets: context.secrets, files: { settings: claudeSettingsFile(process.env, os.homedir()), awsConfig: awsConfigFile(process.env, os.homedir()) }, launcher, config, panel: panelSettings(), channel, log });
  const consent = new ConsentView(media, log);
  const dashboard = new Dashboard(usage, localUsage, sessions, media, log);
  const terminals = new TerminalEnvironment({ collection: context.environmentVariableCollection, sessions, credentials: () => keys.credentials(), refusal: () => keys.refusal(), onDidChangeRefusal: quota.onDidChange, config, trust: vscode.workspace, log, notify: notifier, storageDir, launcher, claudeCode });
  return {
    log,
    config,
    identityCenter,
    notifier,
    channel,
    store,
    quota,
    sessions,
    renewal,
    keys,
    gateway,
    signIn,
    models,
    modelReport: new ModelReportView(models),
    usage,
    localUsage,
    claudeCode,
    consent,
    claudeCodeIntegration: new ClaudeCodeIntegration({ connection: claudeCode, sessions, config, consent, memento: context.globalState, onDidOpenTerminal: vscode.window.onDidOpenTerminal, notify: notifier, log, outranked: () => gateway.connectOutranked() }),
    broker: new Broker({ channel, sessions, keys, signIn, clock, log, lineFacts: () => lineFacts(usage.state, localUsage.state) }),
    dashboard,
    statusBar: new StatusBar(accountItem, { sessions, models, gateway }),
    usageStatus: new UsageStatus(sessions, usage, localUsage),
    terminals,
    accounts: new AccountsMenu(sessions, signIn),
    whenKeys: new WhenKeys({ sessions, models, onDidOpenTerminal: vscode.window.onDidOpenTerminal, dashboard, claudeCode }),
    diagnose: createDiagnose({ extensionPath: context.extensionPath, extensionVersion: String((context.extension.packageJSON as { version?: string }).version), config, sessions, store, signIn, aws: loadAws, models, usage, localUsage, quota, gateway, claudeCode, terminals, notify: notifier, log, clock }),
  };
}

/** Builds the extension; what it built is disposed with it, each object before those it uses. */
export function start(context: vscode.ExtensionContext, accountItem: vscode.StatusBarItem): Running {
  const services = build(context, accountItem);
  context.subscriptions.push(...Object.values(services).filter((s): s is typeof s & vscode.Disposable => 'dispose' in s).reverse());
  const commands = commandTable({ ...services, notify: services.notifier, claudeCode: services.claudeCodeIntegration, sts: loadAws, trust: vscode.workspace });
  const ready = services.store
    .load()
    .then(() => Promise.all([services.terminals.update(), services.claudeCodeIntegration.reconcile()]))
    .then(() => undefined, (error: unknown) => services.log.error('Reading the stored session failed', error));
  return { commands, services, ready };
}
