// Fakes of the VS Code API objects the extension's classes are given: SecretStorage (as the
// web editor keeps it: per window, read when asked), the terminals' environment variable
// collection, a log channel, settings, window focus and workspace trust.
import type * as vscode from 'vscode';
import { EnvironmentVariableMutatorType, EventEmitter, LogLevel } from 'vscode';

export class FakeSecretStorage implements vscode.SecretStorage {
  readonly values = new Map<string, string>();
  private readonly changed = new EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;
  /** Every write, for tests that count them. */
  writes = 0;

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.writes++;
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.writes++;
    this.values.delete(key);
    this.changed.fire({ key });
  }
  async keys(): Promise<string[]> {
    return [...this.values.keys()];
  }
}

export class FakeEnvironmentVariableCollection implements vscode.GlobalEnvironmentVariableCollection {
  readonly variables = new Map<string, vscode.EnvironmentVariableMutator>();
  persistent = true;
  description: string | vscode.MarkdownString | undefined;

  replace(variable: string, value: string): void {
    this.variables.set(variable, { value, type: EnvironmentVariableMutatorType.Replace, options: {} });
  }
  append(variable: string, value: string): void {
    this.variables.set(variable, { value, type: EnvironmentVariableMutatorType.Append, options: {} });
  }
  prepend(variable: string, value: string): void {
    this.variables.set(variable, { value, type: EnvironmentVariableMutatorType.Prepend, options: {} });
  }
  get(variable: string): vscode.EnvironmentVariableMutator | undefined {
    return this.variables.get(variable);
  }
  forEach(callback: (variable: string, mutator: vscode.EnvironmentVariableMutator, collection: vscode.EnvironmentVariableCollection) => unknown): void {
    for (const [name, mutator] of [...this.variables]) callback(name, mutator, this);
  }
  delete(variable: string): void {
    this.variables.delete(variable);
  }
  clear(): void {
    this.variables.clear();
  }
  getScoped(): vscode.EnvironmentVariableCollection {
    return this;
  }
  [Symbol.iterator](): Iterator<[variable: string, mutator: vscode.EnvironmentVariableMutator]> {
    return this.variables[Symbol.iterator]();
  }
  /** The variables as a terminal would get them. */
  values(): Record<string, string> {
    return Object.fromEntries([...this.variables].map(([k, m]) => [k, m.value]));
  }
}

export class FakeLogChannel {
  readonly lines: string[] = [];
  logLevel = LogLevel.Trace;
  readonly name = 'fake';
  trace(m: string): void {
    this.lines.push(`trace ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
  show(): void {}
  dispose(): void {}
  asChannel(): vscode.LogOutputChannel {
    return this as unknown as vscode.LogOutputChannel;
  }
}

/** User settings as VS Code's configuration API reads and changes them. */
export class FakeSettings {
  private readonly values = new Map<string, unknown>();
  private readonly changed = new EventEmitter<vscode.ConfigurationChangeEvent>();
  readonly onDidChangeConfiguration = this.changed.event;

  constructor(initial: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key, value);
  }

  getConfiguration(section?: string): vscode.WorkspaceConfiguration {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get: (key: string) => this.values.get(full(key)),
      has: (key: string) => this.values.has(full(key)),
      inspect: (key: string) => ({ key: full(key), globalValue: this.values.get(full(key)), defaultValue: undefined }),
      update: async (key: string, value: unknown) => this.set(full(key), value),
    } as unknown as vscode.WorkspaceConfiguration;
  }

  /** Changes a setting (`claudeBedrock.region`, say) and tells the listeners. */
  set(key: string, value: unknown): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    this.changed.fire({ affectsConfiguration: (s: string) => key === s || key.startsWith(`${s}.`) });
  }
}

export class FakeWindowFocus {
  private readonly changed = new EventEmitter<vscode.WindowState>();
  readonly onDidChangeWindowState = this.changed.event;
  state: vscode.WindowState = { focused: true, active: true };

  focus(focused: boolean): void {
    this.state = { focused, active: focused };
    this.changed.fire(this.state);
  }
}

export class FakeTrust {
  private readonly granted = new EventEmitter<void>();
  readonly onDidGrantWorkspaceTrust = this.granted.event;
  constructor(public isTrusted = true) {}
  grant(): void {
    this.isTrusted = true;
    this.granted.fire();
  }
}
