// What unit tests load for `vscode`: the API's value types (events, enums, MarkdownString), as
// the real ones behave. The editor itself (window, workspace, env, commands) is not here: code
// under unit test gets those through its constructor, as fakes (see the other files here).
/* eslint-disable @typescript-eslint/no-explicit-any */

export class Disposable {
  constructor(private readonly callOnDispose: () => unknown) {}
  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => disposables.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.callOnDispose();
  }
}

export class EventEmitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  private disposed = false;

  readonly event = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: { dispose(): unknown }[]) => {
    const bound = (e: T) => listener.call(thisArgs, e);
    this.listeners.push(bound);
    const subscription = new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== bound)));
    disposables?.push(subscription);
    return subscription;
  };

  fire(data: T): void {
    if (this.disposed) return;
    for (const listener of [...this.listeners]) listener(data);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  private cancelled = false;
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: this.emitter.event,
  };
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class MarkdownString {
  constructor(public value = '') {}
}

/** A file's URI, as much of it as the code under test reads. */
export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(fsPath: string): Uri {
    return new Uri('file', fsPath);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.fsPath, ...parts].join('/'));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export enum EnvironmentVariableMutatorType {
  Replace = 1,
  Append = 2,
  Prepend = 3,
}

export enum LogLevel {
  Off = 0,
  Trace = 1,
  Debug = 2,
  Info = 3,
  Warning = 4,
  Error = 5,
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ExtensionMode {
  Production = 1,
  Development = 2,
  Test = 3,
}

/** The editor is not here: pass what the code needs in through its constructor. */
function absent(name: string): any {
  return new Proxy(
    {},
    {
      get(_, property) {
        throw new Error(`vscode.${name}.${String(property)} is not available in unit tests: pass it in through the constructor.`);
      },
    },
  );
}

export const window = absent('window');
export const workspace = absent('workspace');
export const env = absent('env');
export const commands = absent('commands');
export const authentication = absent('authentication');
export const extensions = absent('extensions');
