// The integrated terminals' environment: context.environmentVariableCollection, kept in step with
// the session, the settings and workspace trust.
//
// The collection is not persisted (persistent = false): it holds the credentials endpoint's
// token (or, in environment mode, the keys themselves), and VS Code would otherwise write it to
// its workspace storage. It is rebuilt on every activation instead.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionSource } from '../auth/core';
import type { Session } from '../auth/session';
import type { Launcher } from '../claudeCode/launcher';
import type { Config } from '../config/config';
import { settingsFailure, type Notify } from '../errors/failure';
import type { Log } from '../log';
import { CredentialsEndpoint, type CredentialSource } from './credentialsEndpoint';
import { TERMINAL_AWS_CREDENTIALS, terminalAwsConfig, terminalDescription, terminalVariables, type TerminalAwsFiles, type TerminalCredentials } from './variables';

/** What the terminals need to know of workspace trust. */
export type WorkspaceTrust = Pick<typeof vscode.workspace, 'isTrusted' | 'onDidGrantWorkspaceTrust'>;

export interface TerminalEnvironmentOptions {
  readonly collection: vscode.GlobalEnvironmentVariableCollection;
  readonly sessions: SessionSource;
  /** The keys the credentials endpoint serves (renewed first when about to expire). */
  readonly credentials: CredentialSource;
  /** Why no keys are handed out although signed in (the quota gate), if so; fires when that changes. */
  readonly refusal: () => string | undefined;
  readonly onDidChangeRefusal: vscode.Event<unknown>;
  readonly config: Pick<Config, 'terminal' | 'onDidChange'>;
  readonly trust: WorkspaceTrust;
  readonly log: Log;
  readonly notify: Notify;
  /** Folder for the AWS files terminals point at (the extension's global storage). */
  readonly storageDir: string;
  /** The helper's launcher: in environment mode the terminals' profile runs its environment-keys. */
  readonly launcher: () => Promise<Pick<Launcher, 'command'>>;
  /** Whether Claude Code's own settings carry the session (then terminals leave AWS alone). */
  readonly claudeCode: { readonly connected: boolean; readonly onDidChange: vscode.Event<boolean> };
}

export class TerminalEnvironment implements vscode.Disposable {
  private endpoint: Promise<CredentialsEndpoint> | undefined;
  /** Who and which sign-in the endpoint's token belongs to; a change means a new token. */
  private tokenOwner: string | undefined;
  private lastProblem: string | undefined;
  private updating: Promise<void> = Promise.resolve();
  /** What the AWS files hold now, as last written. */
  private readonly written = new Map<string, string>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly options: TerminalEnvironmentOptions) {
    options.collection.persistent = false;
    this.disposables = [
      options.sessions.onDidChangeState(() => this.update()),
      options.config.onDidChange((areas) => areas.has('terminals') && this.update()),
      options.trust.onDidGrantWorkspaceTrust(() => this.update()),
      options.claudeCode.onDidChange(() => this.update()),
      options.onDidChangeRefusal(() => this.update()),
    ];
  }

  /** Brings the collection in line with the current state. Serialised; never throws. */
  update(): Promise<void> {
    this.updating = this.updating.then(() => this.apply()).catch((error: unknown) => this.options.log.error('Updating the terminal environment failed', error));
    return this.updating;
  }

  /** The endpoint's address and token, once it has started (Diagnose asks it as a terminal would). */
  async endpointAccess(): Promise<{ readonly uri: string; readonly token: string } | undefined> {
    const endpoint = await this.endpoint;
    return endpoint ? { uri: endpoint.uri, token: endpoint.authorizationToken } : undefined;
  }

  /** The endpoint's address, once it has started (for the extension's tests). */
  async endpointUri(): Promise<string | undefined> {
    return (await this.endpoint)?.uri;
  }

  private async apply(): Promise<void> {
    const { sessions, config, collection, log } = this.options;
    const session = sessions.usableSession;
    await this.followSession(session);
    if (!session) return this.clear('signed out');
    if (!this.options.trust.isTrusted) return this.clear('this workspace is not trusted (Restricted Mode)');

    const checked = config.terminal();
    if (!checked.ok) {
      const failure = settingsFailure(checked.problems, 'set up your terminals');
      if (failure.message !== this.lastProblem) {
        this.lastProblem = failure.message;
        this.options.notify.failure(failure);
      }
      return this.clear('a terminal setting is invalid');
    }
    this.lastProblem = undefined;
    const settings = checked.value;
    let credentials: TerminalCredentials;
    // Refused by the quota service: no keys in new terminals' environment; the endpoint says why.
    if (settings.terminalCredentials === 'endpoint' || this.options.refusal()) {
      const endpoint = await this.startEndpoint();
      credentials = { kind: 'endpoint', uri: endpoint.uri, token: endpoint.authorizationToken };
    } else {
      credentials = { kind: 'environment', keys: session.credentials };
    }
    const connected = this.options.claudeCode.connected;
    const awsFiles = connected ? { config: '', credentials: '' } : await this.writeAwsFiles(settings.region, credentials.kind);
    const input = { settings, identity: session.identity, credentials, awsFiles, connected };
    const wanted = terminalVariables(input);
    let changed = 0;
    collection.forEach((name) => {
      if (!(name in wanted)) {
        collection.delete(name);
        changed++;
      }
    });
    for (const [name, value] of Object.entries(wanted)) {
      const current = collection.get(name);
      if (current?.value !== value || current.type !== vscode.EnvironmentVariableMutatorType.Replace) {
        collection.replace(name, value);
        changed++;
      }
    }
    collection.description = new vscode.MarkdownString(terminalDescription(input));
    const how = input.connected ? "Claude Code's own settings carry the keys" : `${settings.terminalCredentials} credentials`;
    if (changed > 0) log.info(`Terminal environment set for Bedrock in ${settings.region} (${how}, ${changed} variables changed).`);
  }

  private clear(why: string): void {
    let had = false;
    this.options.collection.forEach(() => (had = true));
    if (!had) return;
    this.options.collection.clear();
    this.options.log.info(`Terminal environment cleared: ${why}.`);
  }

  /** A new sign-in (or none) gets a new endpoint token: old terminals are cut off. */
  private async followSession(session: Session | undefined): Promise<void> {
    const owner = session ? `${session.identity.subject}@${session.signedInAt}` : undefined;
    if (owner === this.tokenOwner) return;
    this.tokenOwner = owner;
    const endpoint = await this.endpoint;
    endpoint?.rotate();
  }

  private startEndpoint(): Promise<CredentialsEndpoint> {
    if (!this.endpoint) {
      this.endpoint = CredentialsEndpoint.start(this.options.credentials, this.options.log, this.options.refusal);
      this.endpoint.then(
        (e) => this.options.log.info(`Terminal credentials endpoint listening on ${e.uri}.`),
        () => (this.endpoint = undefined),
      );
    }
    return this.endpoint;
  }

  /** The terminals' own AWS profile and an empty credentials file, written when they change. */
  private async writeAwsFiles(region: string, mode: TerminalCredentials['kind']): Promise<TerminalAwsFiles> {
    const { storageDir } = this.options;
    const files = { config: path.join(storageDir, 'aws-config-for-terminals'), credentials: path.join(storageDir, 'aws-credentials-for-terminals') };
    const credentialProcess = mode === 'environment' ? (await this.options.launcher()).command('environment-keys') : undefined;
    await fs.mkdir(storageDir, { recursive: true });
    for (const [file, text] of [
      [files.config, terminalAwsConfig(region, credentialProcess)],
      [files.credentials, TERMINAL_AWS_CREDENTIALS],
    ] as const) {
      if (this.written.get(file) === text) continue;
      const existing = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (existing !== text) {
        // Whole or not at all: an AWS tool in a terminal may be reading it.
        const temp = `${file}.${process.pid}.tmp`;
        await fs.writeFile(temp, text);
        await fs.rename(temp, file);
      }
      this.written.set(file, text);
    }
    return files;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.endpoint?.then((e) => e.dispose());
  }
}
