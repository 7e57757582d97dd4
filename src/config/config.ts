// Reads the extension's settings once per change into typed values.
//
// Precedence, highest first: the user's (or remote machine's) own setting, then the setting's
// default, which is the organisation's default when a platform team baked one into its package
// (esbuild.mjs --package writes them into package.json), else the extension's own.
// Workspace and folder values are never read for these settings: they are machine-scoped in
// package.json, and this code ignores them as well, so a repository's .vscode/settings.json
// cannot send a developer's sign-in to another identity provider or AWS account.
import * as vscode from 'vscode';
import {
  SECTION,
  checkSignInSettings,
  checkModelSettings,
  checkTerminalSettings,
  checkUsageSettings,
  type Checked,
  type UsageSettings,
  type ModelSettings,
  type SignInKey,
  type SignInSettings,
  type TerminalKey,
  type TerminalSettings,
} from './schema';

const SIGN_IN_KEYS: readonly SignInKey[] = [
  'issuer',
  'clientId',
  'scopes',
  'roleArn',
  'region',
  'redirectPort',
  'sessionDuration',
  'stsEndpoint',
  'signInTimeout',
  'requestTimeout',
];

const TERMINAL_KEYS: readonly TerminalKey[] = [
  'region',
  'model',
  'smallFastModel',
  'smallFastModelRegion',
  'maxOutputTokens',
  'maxThinkingTokens',
  'bedrockEndpoint',
  'terminalCredentials',
  'telemetryEndpoint',
  'telemetryProtocol',
];

/** The value a user-level (or remote-machine) setting, or else the (organisation's) default, gives a key. */
function userOrOrgValue(config: vscode.WorkspaceConfiguration, key: string): unknown {
  const inspected = config.inspect(key);
  return inspected?.globalValue !== undefined ? inspected.globalValue : inspected?.defaultValue;
}

export class Config implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after any `claudeBedrock.*` setting changes. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Checked settings, read once per change: the credentials endpoint asks on every request. */
  private readonly cache = new Map<string, unknown>();

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.cache.clear();
      this.changed.fire();
    });
  }

  private cached<T>(name: string, read: () => T): T {
    if (!this.cache.has(name)) this.cache.set(name, read());
    return this.cache.get(name) as T;
  }

  signIn(): Checked<SignInSettings> {
    return this.cached('signIn', () => checkSignInSettings(this.read(SIGN_IN_KEYS)));
  }

  terminal(): Checked<TerminalSettings> {
    return this.cached('terminal', () => checkTerminalSettings(this.read(TERMINAL_KEYS)));
  }

  usage(): Checked<UsageSettings> {
    return this.cached('usage', () => this.readUsage());
  }

  private readUsage(): Checked<UsageSettings> {
    return checkUsageSettings(
      this.read([
        'region',
        'cloudWatchEndpoint',
        'usageNamespace',
        'usageTokenMetric',
        'usageCostMetric',
        'usageEmailDimension',
        'usageLibraryDimension',
        'quotaApiUrl',
        'monthlyTokenLimit',
        'dailyTokenLimit',
        'monthlyCostLimit',
        'usageWarningPercent',
        'usageErrorPercent',
        'usageRefreshMinutes',
        'requestTimeout',
      ]),
    );
  }

  models(): Checked<ModelSettings> {
    return this.cached('models', () => checkModelSettings(this.read(['region', 'model', 'smallFastModel', 'bedrockControlEndpoint', 'requestTimeout'])));
  }

  /** Writes a setting where a user would: user (or remote machine) settings. */
  async write(key: string, value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
  }

  private read<K extends string>(keys: readonly K[]): Partial<Record<K, unknown>> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const raw: Partial<Record<K, unknown>> = {};
    for (const key of keys) raw[key] = userOrOrgValue(config, key);
    return raw;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
