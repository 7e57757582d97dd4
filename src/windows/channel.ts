// What the rest of the extension needs of the windows' channel (bus.ts): messages to every other
// window, values kept for windows that open later, locks across windows, and calls a window
// answers for other processes (the credentials helper), with the one error a call fails with.

export interface Disposable {
  dispose(): void;
}

export interface Lease {
  readonly name: string;
  /** Lets go of the lock; the next window waiting for it gets it. */
  release(): void;
}

export interface PublishOptions {
  /** Keep this value at the hub for windows that connect later, until a newer one replaces it. */
  readonly retain?: boolean;
  /** A retained value is dropped after this long. */
  readonly ttlMs?: number;
}

export interface AcquireOptions {
  /** Wait for the lock (default), or answer undefined at once while another window holds it. */
  readonly wait?: boolean;
  /** Stops waiting: the answer is undefined. */
  readonly signal?: AbortSignal;
}

/** Why a call got no answer: a window's (bus.ts), or the credentials helper's (client.ts). */
export class CallError extends Error {
  constructor(
    /**
     * notRunning: no VS Code window is there to ask; noServer: none serves the question; failed:
     * the answer was an error; timeout: none came in time; closed: this window is closing.
     */
    readonly code: 'notRunning' | 'noServer' | 'failed' | 'timeout' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

/** Answers a call another process makes (the credentials helper, another window). */
export type CallHandler = (payload: unknown) => Promise<unknown> | unknown;

/** What the rest of the extension needs of the windows' channel (the bus, or a window alone). */
export interface WindowChannel extends Disposable {
  readonly windowId: string;
  publish(topic: string, value: unknown, options?: PublishOptions): void;
  /** Messages other windows publish on `topic`; for retained topics, only values newer than the last one seen. */
  subscribe(topic: string, listener: (value: unknown) => void): Disposable;
  /** The newest retained value of `topic` this window knows of. */
  retained(topic: string): unknown;
  acquire(name: string, options?: AcquireOptions): Promise<Lease | undefined>;
  /** Answers calls named `name` for as long as the returned handle is not disposed. */
  serve(name: string, handler: CallHandler): Disposable;
  /** Asks a window that serves `name` (this one too, working alone). */
  call(name: string, payload: unknown, timeoutMs: number): Promise<unknown>;
}

export type BusLog = (level: 'debug' | 'info' | 'warn', message: string) => void;

export interface BusOptions {
  /** The extension's global storage folder: the hub's folder goes in it. */
  readonly storageDir: string;
  readonly log?: BusLog;
  /** How long a new hub keeps locks for windows that held them at the previous hub. */
  readonly reclaimMs?: number;
  /** How long a connection to a hub this window hosts may take to say hello (tests shorten it). */
  readonly helloTimeoutMs?: number;
  /** How long to try to reach or host a hub before working alone for a while. */
  readonly connectMs?: number;
  /** Working alone, try again after this long. */
  readonly retryAloneMs?: number;
}
