// Reads the extension's settings from VS Code, once per change, into the typed groups.
//
// Precedence, highest first: the user's (or remote machine's) own setting, then the setting's
// default, which is the organisation's default when a platform team baked one into its package
// (esbuild.mjs --package writes them into package.json), else the extension's own.
// Workspace and folder values are never read for these settings: they are machine-scoped in
// package.json, and this code ignores them as well, so a repository's .vscode/settings.json
// cannot send a developer's sign-in to another identity provider or AWS account.
import * as vscode from 'vscode';
import {
  checkClaudeCodeSettings,
  checkCognitoSettings,
  checkIdentityCenterSettings,
  checkLocalUsageSettings,
  checkModelSettings,
  checkQuotaSettings,
  checkSignInSettings,
  checkTerminalSettings,
  checkUsageSettings,
  federationOf,
  type ClaudeCodeSettings,
  type CognitoSignInSettings,
  type Federation,
  type IdentityCenterSettings,
  type LocalUsageSettings,
  type ModelSettings,
  type QuotaGateSettings,
  type SignInSettings,
  type TerminalSettings,
  type UsageSettings,
} from './groups';
import { SECTION, type Area, type Checked } from './rules';
import { SETTINGS } from './settings';

/** The settings of the sign-in the federation setting chooses, tagged by it. */
export type ActiveSignIn =
  | { readonly federation: 'direct'; readonly checked: Checked<SignInSettings> }
  | { readonly federation: 'cognitoIdentityPool'; readonly checked: Checked<CognitoSignInSettings> }
  | { readonly federation: 'identityCenter'; readonly checked: Checked<IdentityCenterSettings> };

/** What Config needs of VS Code's workspace API. */
export type ConfigurationSource = Pick<typeof vscode.workspace, 'getConfiguration' | 'onDidChangeConfiguration'>;

export class Config implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ReadonlySet<Area>>();
  /** Fires after settings change, with the parts of the extension that must react. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Checked groups, read once per change: the credentials endpoint asks on every request. */
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly workspace: ConfigurationSource) {
    this.subscription = workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      const areas = new Set<Area>();
      for (const setting of SETTINGS) if (e.affectsConfiguration(`${SECTION}.${setting.key}`)) for (const area of setting.affects) areas.add(area);
      this.cache.clear();
      if (areas.size > 0) this.changed.fire(areas);
    });
  }

  /** Fires after settings of `area` change. */
  onDidChangeArea(area: Area): vscode.Event<void> {
    return (listener, thisArg, disposables) => this.changed.event((areas) => areas.has(area) && listener.call(thisArg), undefined, disposables);
  }

  signIn(): Checked<SignInSettings> {
    return this.cached('signIn', checkSignInSettings);
  }

  terminal(): Checked<TerminalSettings> {
    return this.cached('terminal', checkTerminalSettings);
  }

  models(): Checked<ModelSettings> {
    return this.cached('models', checkModelSettings);
  }

  usage(): Checked<UsageSettings> {
    return this.cached('usage', checkUsageSettings);
  }

  localUsage(): Checked<LocalUsageSettings> {
    return this.cached('localUsage', checkLocalUsageSettings);
  }

  quota(): Checked<QuotaGateSettings> {
    return this.cached('quota', checkQuotaSettings);
  }

  federation(): Federation {
    return this.cached('federation', federationOf);
  }

  identityCenter(): Checked<IdentityCenterSettings> {
    return this.cached('identityCenter', checkIdentityCenterSettings);
  }

  cognito(): Checked<CognitoSignInSettings> {
    return this.cached('cognito', checkCognitoSettings);
  }

  /** The settings of the sign-in the federation setting chooses (what they share: region, port, timeouts, STS). */
  activeSignIn(): ActiveSignIn {
    const federation = this.federation();
    if (federation === 'identityCenter') return { federation, checked: this.identityCenter() };
    if (federation === 'cognitoIdentityPool') return { federation, checked: this.cognito() };
    return { federation: 'direct', checked: this.signIn() };
  }

  claudeCode(): Checked<ClaudeCodeSettings> {
    return this.cached('claudeCode', checkClaudeCodeSettings);
  }

  /** A setting's default: the organisation's, where the package bakes one in, else the extension's. */
  defaultOf(key: string): unknown {
    return this.workspace.getConfiguration(SECTION).inspect(key)?.defaultValue;
  }

  /** Writes a setting where a user would: user (or remote machine) settings. */
  async write(key: string, value: unknown): Promise<void> {
    await this.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
  }

  private cached<T>(name: string, check: (raw: (key: string) => unknown) => T): T {
    if (!this.cache.has(name)) {
      const config = this.workspace.getConfiguration(SECTION);
      this.cache.set(name, check((key) => userOrOrgValue(config, key)));
    }
    return this.cache.get(name) as T;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** The value a user-level (or remote-machine) setting, or else the (organisation's) default, gives a key. */
function userOrOrgValue(config: vscode.WorkspaceConfiguration, key: string): unknown {
  const inspected = config.inspect(key);
  return inspected?.globalValue !== undefined ? inspected.globalValue : inspected?.defaultValue;
}
