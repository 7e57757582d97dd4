// Diagnose, built from the extension's parts and VS Code's facts: the checks' context, and the view.
import { exec } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionCore } from '../auth/core';
import type { SignIn } from '../auth/signIn';
import type { SessionStore } from '../auth/store';
import type * as AwsModule from '../aws/index';
import { PANEL_EXTENSION } from '../claudeCode/connection';
import type { ClaudeCodeConnection } from '../claudeCode/connection';
import { parseSettings } from '../claudeCode/jsonEdit';
import type { GatewayWatch } from '../claudeCode/gatewayWatch';
import { managedPlaces, readManaged } from '../claudeCode/managed';
import type { Config } from '../config/config';
import { DEFAULTS } from '../config/groups';
import { SECTION } from '../config/rules';
import { diagnoseChecks } from '../diagnose/checks';
import type { DiagnoseContext } from '../diagnose/context';
import type { Notify } from '../errors/failure';
import type { Log } from '../log';
import type { ModelService } from '../models/modelService';
import type { QuotaGate } from '../quota/gate';
import type { TerminalEnvironment } from '../terminal/environment';
import { terminalEnvironment } from '../terminal/findClaude';
import type { LocalUsage } from '../usage/localUsage';
import type { UsageService } from '../usage/usageService';
import type { Clock } from '../util/clock';
import { DiagnoseView } from './diagnoseView';

const TERMINAL_PLATFORM: Partial<Record<NodeJS.Platform, string>> = { darwin: 'osx', win32: 'windows', linux: 'linux' };

export interface DiagnoseParts {
  readonly extensionPath: string;
  readonly extensionVersion: string;
  readonly config: Config;
  readonly sessions: SessionCore;
  readonly store: Pick<SessionStore, 'holdsSecrets'>;
  readonly signIn: SignIn;
  readonly aws: () => typeof AwsModule;
  readonly models: ModelService;
  readonly usage: UsageService;
  readonly localUsage: LocalUsage;
  readonly gateway: GatewayWatch;
  readonly quota: QuotaGate;
  readonly claudeCode: ClaudeCodeConnection;
  readonly terminals: TerminalEnvironment;
  readonly notify: Notify;
  readonly log: Log;
  readonly clock: Clock;
}

/** Runs Claude Code's `awsCredentialExport` as Claude Code does; says whether it handed out keys. */
async function helperAnswers(settingsFile: string, signal: AbortSignal): Promise<{ ok: boolean; detail: string }> {
  const text = await fs.readFile(settingsFile, 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : parseSettings(text);
  const command = parsed?.ok ? parsed.value.awsCredentialExport : undefined;
  if (typeof command !== 'string') return { ok: false, detail: `${settingsFile} has no awsCredentialExport command.` };
  return new Promise((resolve) => {
    exec(command, { signal, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return resolve({ ok: false, detail: `it exited with ${String(error.code ?? error.signal)}: ${stderr.trim().split('\n').pop() ?? ''}` });
      try {
        const out = JSON.parse(stdout) as { Credentials?: { AccessKeyId?: unknown } };
        resolve(typeof out.Credentials?.AccessKeyId === 'string' ? { ok: true, detail: 'keys handed out' } : { ok: false, detail: 'it printed no keys' });
      } catch {
        resolve({ ok: false, detail: 'it printed something other than keys' });
      }
    });
  });
}

function orgDefaults(extensionPath: string, log: Log): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path.join(extensionPath, 'org-defaults.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`org-defaults.json could not be read: ${String(error)}`);
    return {};
  }
}

export function createDiagnose(parts: DiagnoseParts): DiagnoseView {
  const ctx: DiagnoseContext = {
    config: parts.config,
    inspect: (key) => vscode.workspace.getConfiguration(SECTION).inspect(key),
    workspaceSettingsFiles: () => [
      ...(vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => path.join(f.uri.fsPath, '.vscode', 'settings.json')),
      ...(vscode.workspace.workspaceFile?.scheme === 'file' ? [vscode.workspace.workspaceFile.fsPath] : []),
    ],
    // Read when Diagnose runs, not at activation.
    get orgDefaults() {
      return orgDefaults(parts.extensionPath, parts.log);
    },
    remoteName: vscode.env.remoteName,
    sessions: parts.sessions,
    signingIn: () => parts.signIn.role === 'leading',
    lastSignInFailure: () => parts.signIn.lastFailure,
    holdsSessionSecrets: () => parts.store.holdsSecrets,
    aws: parts.aws,
    models: parts.models,
    usage: parts.usage,
    localUsage: parts.localUsage,
    quota: parts.quota,
    claudeCode: {
      panelInstalled: () => vscode.extensions.getExtension(PANEL_EXTENSION) !== undefined,
      connected: () => parts.claudeCode.connected,
      get settingsFile() {
        return parts.claudeCode.settingsFile;
      },
      panelSetting: (key) => vscode.workspace.getConfiguration().get(key),
    },
    endpoint: () => parts.terminals.endpointAccess(),
    helperAnswers: (signal) => helperAnswers(parts.claudeCode.settingsFile, signal),
    managedSettings: () => readManaged(managedPlaces(process.platform, process.env)),
    gateway: () => parts.gateway.look(),
    home: os.homedir(),
    env: process.env,
    terminalEnv: () => terminalEnvironment(process.env, vscode.workspace.getConfiguration('terminal.integrated.env').get(TERMINAL_PLATFORM[process.platform] ?? 'linux')),
    clock: parts.clock,
  };
  const timeoutMs = () => {
    const checked = parts.config.activeSignIn().checked;
    return (checked.ok ? checked.value.requestTimeout : DEFAULTS.requestTimeout) * 1000;
  };
  return new DiagnoseView({
    checks: () => diagnoseChecks(ctx, timeoutMs()),
    timeoutMs,
    extensionVersion: parts.extensionVersion,
    user: () => parts.sessions.usableSession?.identity.email ?? parts.sessions.usableSession?.identity.name,
    secrets: () => {
      const s = parts.sessions.usableSession;
      return s ? [s.credentials.secretAccessKey, s.credentials.sessionToken ?? '', s.credentials.accessKeyId, s.idToken ?? '', s.refreshToken ?? '', s.sso?.accessToken ?? ''] : [];
    },
    notify: parts.notify,
    log: parts.log,
    clock: parts.clock,
  });
}
