// The extension as the integration tests run it: the product's own activation (src/extension.ts,
// unchanged), plus a look inside for the tests. Only the test build (esbuild.mjs --tests, into
// out/extension/) has this; the packaged extension exports nothing.
import * as vscode from 'vscode';
import { SESSION_KEY } from '../../src/auth/store';
import { boot } from '../../src/extension';
import type { Running, Services } from '../../src/main';
import type { ShownMessage } from '../../src/ui/notify';

export { deactivate } from '../../src/extension';

export interface TestApi {
  readonly ready: Promise<void>;
  state(): Services['sessions']['state'];
  /** How many other windows joined this window's latest sign-in. */
  signInFollowers(): number;
  /** Whether the sign-in under way runs in this window or waits for another window's. */
  signInRole(): Services['signIn']['role'];
  statusBar(): Services['statusBar']['current'];
  /** Every notification the extension showed, oldest first. */
  readonly notifications: readonly ShownMessage[];
  storedSecretKeys(): Promise<string[]>;
  hasStoredSession(): Promise<boolean>;
  /** Whether the session in SecretStorage holds this refresh token (a yes or no: the token stays inside). */
  storedRefreshTokenIs(token: string): Promise<boolean>;
  /** Whether this window holds the session's secrets, or knows it only as another window shared it. */
  holdsSessionSecrets(): boolean;
  globalState(): (readonly [string, unknown])[];
  workspaceState(): (readonly [string, unknown])[];
  terminalEnvironment(): Record<string, string>;
  /** Resolves once the terminal environment has caught up with the latest change. */
  terminalsUpdated(): Promise<void>;
  endpointUri(): Promise<string | undefined>;
  modelReport(): Services['models']['report'];
  modelReportHtml(): string | undefined;
  usage(): Services['usage']['state'];
  /** This machine's usage from Claude Code's own records. */
  localUsage(): Services['localUsage']['state'];
  /** The quota gate's verdict for the signed-in user. */
  quota(): Services['quota']['verdict'];
  usageStatus(): Services['usageStatus']['current'];
  dashboardHtml(): string | undefined;
  dashboardDropped(): number;
  readonly logUri: vscode.Uri;
  readonly globalStorageUri: vscode.Uri;
  /** Claude Code's own settings carry the session. */
  claudeCodeConnected(): boolean;
  /** The file Connect Claude Code changes. */
  claudeSettingsFile(): string;
  /** The consent view's HTML, while it is open. */
  consentHtml(): string | undefined;
  /** The Diagnose view's page as shown now. */
  diagnoseHtml(): string | undefined;
}

function testApi(running: Running, context: vscode.ExtensionContext, notifications: ShownMessage[]): Omit<TestApi, 'ready'> {
  const s = running.services;
  return {
    state: () => s.sessions.state,
    signInFollowers: () => s.signIn.followers,
    signInRole: () => s.signIn.role,
    statusBar: () => s.statusBar.current,
    notifications,
    storedSecretKeys: async () => context.secrets.keys(),
    hasStoredSession: async () => (await context.secrets.get(SESSION_KEY)) !== undefined,
    storedRefreshTokenIs: async (token) => {
      const raw = await context.secrets.get(SESSION_KEY);
      return raw !== undefined && (JSON.parse(raw) as { refreshToken?: string }).refreshToken === token;
    },
    holdsSessionSecrets: () => s.store.holdsSecrets,
    globalState: () => context.globalState.keys().map((key) => [key, context.globalState.get(key)] as const),
    workspaceState: () => context.workspaceState.keys().map((key) => [key, context.workspaceState.get(key)] as const),
    terminalEnvironment: () => {
      const vars: Record<string, string> = {};
      context.environmentVariableCollection.forEach((name, mutator) => (vars[name] = mutator.value));
      return vars;
    },
    terminalsUpdated: () => s.terminals.update(),
    endpointUri: () => s.terminals.endpointUri(),
    modelReport: () => s.models.report,
    modelReportHtml: () => s.modelReport.html,
    usage: () => s.usage.state,
    localUsage: () => s.localUsage.state,
    quota: () => s.quota.verdict,
    usageStatus: () => s.usageStatus.current,
    dashboardHtml: () => s.dashboard.html,
    dashboardDropped: () => s.dashboard.dropped,
    logUri: context.logUri,
    globalStorageUri: context.globalStorageUri,
    claudeCodeConnected: () => s.claudeCode.connected,
    claudeSettingsFile: () => s.claudeCode.settingsFile,
    consentHtml: () => s.consent.html,
    diagnoseHtml: () => s.diagnose.html,
  };
}

export function activate(context: vscode.ExtensionContext): Partial<TestApi> & { ready: Promise<void> } {
  const notifications: ShownMessage[] = [];
  const exports: Partial<TestApi> & { ready: Promise<void> } = { ready: Promise.resolve() };
  exports.ready = boot(context).then((running) => {
    context.subscriptions.push(running.services.notifier.onDidShow((shown) => notifications.push(shown)));
    Object.assign(exports, testApi(running, context, notifications));
    return running.ready;
  });
  return exports;
}
