// What Diagnose's checks read: the extension's parts and the editor's facts, passed in by the
// one place that builds the checks (main.ts), so the checks hold no vscode of their own.
import type { SessionSource } from '../auth/core';
import type { LastSignInFailure } from '../auth/signIn';
import type * as AwsModule from '../aws/index';
import type { Gateway } from '../claudeCode/gateway';
import type { Managed } from '../claudeCode/managed';
import type { Config } from '../config/config';
import type { ModelService } from '../models/modelService';
import type { QuotaGate } from '../quota/gate';
import type { LocalUsage } from '../usage/localUsage';
import type { UsageService } from '../usage/usageService';
import type { Clock } from '../util/clock';

/** A setting's values as VS Code's `inspect` gives them. */
export interface Inspected {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
  readonly defaultValue?: unknown;
}

export interface DiagnoseContext {
  readonly config: Config;
  /** `inspect` of a claudeBedrock setting, by key without the prefix. */
  readonly inspect: (key: string) => Inspected | undefined;
  /** The workspace's settings files (.vscode/settings.json of each folder, the .code-workspace file). */
  readonly workspaceSettingsFiles: () => readonly string[];
  /** What the platform team baked into the package (org-defaults.json), by key. */
  readonly orgDefaults: Readonly<Record<string, unknown>>;
  /** VS Code's remote name (ssh-remote, wsl, …), undefined in a local window. */
  readonly remoteName: string | undefined;
  readonly sessions: SessionSource;
  /** True while this extension's sign-in listens on the redirect port. */
  readonly signingIn: () => boolean;
  /** False when this window knows the session only as another window shared it (that window holds its refresh token). */
  readonly holdsSessionSecrets: () => boolean;
  /** How the last sign-in this window led failed, since none succeeded (its sentence and kind). */
  readonly lastSignInFailure: () => LastSignInFailure | undefined;
  readonly aws: () => typeof AwsModule;
  readonly models: Pick<ModelService, 'check' | 'policy'>;
  readonly usage: Pick<UsageService, 'refresh' | 'state'>;
  /** This machine's usage from Claude Code's own records. */
  readonly localUsage: Pick<LocalUsage, 'state'>;
  readonly quota: Pick<QuotaGate, 'enabled' | 'check'>;
  readonly claudeCode: {
    /** Claude Code's VS Code extension is installed. */
    panelInstalled(): boolean;
    /** Claude Code's settings use this extension's helper. */
    connected(): boolean;
    /** ~/.claude/settings.json (or CLAUDE_CONFIG_DIR's). */
    readonly settingsFile: string;
    /** One of the panel's own VS Code settings (claudeCode.environmentVariables, …), by full key. */
    panelSetting(key: string): unknown;
  };
  /** The terminals' credentials endpoint, while there is a session. */
  readonly endpoint: () => Promise<{ readonly uri: string; readonly token: string } | undefined>;
  /**
   * Runs Claude Code's `awsCredentialExport` command the way Claude Code does (a shell): whether
   * it handed out keys, and else what it said. The keys themselves never leave the function.
   */
  readonly helperAnswers: (signal: AbortSignal) => Promise<{ readonly ok: boolean; readonly detail: string }>;
  /** Claude Code's managed settings on this machine, as Claude Code merges them. */
  readonly managedSettings: () => Promise<Managed>;
  /** The organisation's Claude apps gateway, when Claude Code uses it here. */
  readonly gateway: () => Promise<Gateway | undefined>;
  /** The user's home folder; this extension's environment; what integrated terminals start with. */
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly terminalEnv: () => NodeJS.ProcessEnv;
  readonly clock: Clock;
}
