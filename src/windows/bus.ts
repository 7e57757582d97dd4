// The one way windows of VS Code talk to each other: each window's connection to the hub
// (hub.ts), over a channel only this OS user can open (place.ts). The first window to find no
// hub hosts one; when it goes, another takes over, and every window reconnects by itself.
//
//   publish / subscribe   a message to every other window; retained topics keep their newest
//                         value (by stamp) for windows that connect later
//   acquire               a lock across windows, let go of when its window goes away
//
// A window that cannot reach or host a hub works alone (its locks are its own) and tries again
// in the background. Pure Node: no vscode here.
import { randomUUID } from 'node:crypto';
import type * as net from 'node:net';
import type { AcquireOptions, BusLog, BusOptions, Disposable, Lease, PublishOptions, WindowChannel } from './channel';
import { connectTo, hostHub, stopHosting, type Hosting } from './connect';
import { LocalLocks } from './localLocks';
import { RetainedValues } from './retained';
import { readHubAddress } from './place';
import { readMessages, send, type Message } from './wire';

export type { AcquireOptions, BusLog, BusOptions, Disposable, Lease, PublishOptions, WindowChannel } from './channel';

interface Pending {
  readonly name: string;
  readonly wait: boolean;
  readonly resolve: (lease: Lease | undefined) => void;
  readonly cleanup: () => void;
}

const WELCOME_TIMEOUT_MS = 5_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class WindowBus implements WindowChannel {
  readonly windowId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private socket: net.Socket | undefined;
  private hosting: Hosting | undefined;
  private disposed = false;
  private alone = false;
  private aloneTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private nextReq = 1;
  private readonly listeners = new Map<string, Set<(value: unknown) => void>>();
  private readonly kept = new RetainedValues();
  private readonly held = new Set<string>();
  private readonly pending = new Map<number, Pending>();
  /** Working alone: the locks are this window's own. */
  private readonly local = new LocalLocks();
  private readonly log: BusLog;

  private constructor(private readonly options: BusOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Connects to the hub (hosting it if nobody does); resolves once connected, or working alone. */
  static async open(options: BusOptions): Promise<WindowBus> {
    const bus = WindowBus.start(options);
    await bus.ready;
    return bus;
  }

  /**
   * Starts connecting and returns at once: messages and locks asked for meanwhile go out once
   * connected (`ready`), or are answered by this window alone if no hub can be reached.
   */
  static start(options: BusOptions): WindowBus {
    const bus = new WindowBus(options);
    bus.ready = bus.connect();
    return bus;
  }

  /** Settles once connected to the hub, or working alone. */
  ready: Promise<void> = Promise.resolve();

  /** 'host' when this window hosts the hub, 'member' when it is connected to another's, else 'alone'. */
  get role(): 'host' | 'member' | 'alone' {
    if (this.socket) return this.hosting ? 'host' : 'member';
    return 'alone';
  }

  /** Windows connected to the hub this window hosts (undefined when it hosts none). */
  get hostedWindows(): number | undefined {
    return this.hosting?.hub.windows;
  }

  publish(topic: string, value: unknown, options: PublishOptions = {}): void {
    // After every stamp this window has seen: its newest value wins, even against a faster clock's.
    const stamp = Math.max(Date.now(), this.kept.lastStamp + 1);
    this.kept.lastStamp = stamp;
    if (options.retain) this.kept.keep(topic, value, stamp, options.ttlMs);
    if (this.socket) send(this.socket, { t: 'pub', topic, value, stamp, retain: options.retain === true, ttlMs: options.ttlMs });
  }

  subscribe(topic: string, listener: (value: unknown) => void): Disposable {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return { dispose: () => set.delete(listener) };
  }

  retained(topic: string): unknown {
    return this.kept.get(topic);
  }

  acquire(name: string, options: AcquireOptions = {}): Promise<Lease | undefined> {
    const wait = options.wait ?? true;
    if (this.disposed || options.signal?.aborted) return Promise.resolve(undefined);
    if (this.alone) return this.acquireAlone(name, wait, options.signal);
    return new Promise((resolve) => {
      const req = this.nextReq++;
      const onAbort = () => {
        const pending = this.pending.get(req);
        if (!pending) return;
        this.pending.delete(req);
        if (this.socket) send(this.socket, { t: 'cancel', req });
        pending.resolve(undefined);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(req, { name, wait, resolve, cleanup: () => options.signal?.removeEventListener('abort', onAbort) });
      if (this.socket) send(this.socket, { t: 'acquire', name, req, wait });
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.aloneTimer);
    for (const pending of this.pending.values()) {
      pending.cleanup();
      pending.resolve(undefined);
    }
    this.pending.clear();
    this.socket?.destroy();
    this.socket = undefined;
    const hosting = this.hosting;
    this.hosting = undefined;
    if (hosting) await stopHosting(hosting);
  }

  private lease(name: string): Lease {
    this.held.add(name);
    let released = false;
    return {
      name,
      release: () => {
        if (released) return;
        released = true;
        this.held.delete(name);
        if (this.alone) this.local.release(name);
        else if (this.socket) send(this.socket, { t: 'release', name });
      },
    };
  }

  private connect(): Promise<void> {
    this.connecting ??= this.connectLoop().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectLoop(): Promise<void> {
    const deadline = Date.now() + (this.options.connectMs ?? 5_000);
    while (!this.disposed) {
      const found = await readHubAddress(this.options.storageDir);
      if (found) {
        const socket = await connectTo(found.address);
        if (socket && (await this.join(socket, found.key))) return;
      }
      if (!this.hosting && (await this.host())) continue;
      if (Date.now() > deadline) {
        this.workAlone();
        return;
      }
      // Another window is between claiming the hub and listening, or has just let go of it.
      await pause(20 + Math.random() * 60);
    }
  }

  /** Hosts the hub; false when another window does (or is about to). */
  private async host(): Promise<boolean> {
    try {
      const hosting = await hostHub(this.options.storageDir, this.options.reclaimMs ?? 1_000);
      if (!hosting) return false;
      if (this.disposed) {
        await stopHosting(hosting);
        return false;
      }
      this.hosting = hosting;
      this.log('debug', 'This window hosts the hub the VS Code windows coordinate through.');
      return true;
    } catch (error) {
      this.log('warn', `Could not host the windows' hub: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  /** Says hello with what this window holds and keeps; true once welcomed. */
  private join(socket: net.Socket, key: string): Promise<boolean> {
    return new Promise((resolve) => {
      let welcomed = false;
      const timer = setTimeout(() => socket.destroy(), WELCOME_TIMEOUT_MS);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        clearTimeout(timer);
        if (!welcomed) resolve(false);
        else this.lost(socket);
      });
      readMessages(socket, (message) => {
        if (!welcomed) {
          if (message.t !== 'welcome') return void socket.destroy();
          welcomed = true;
          clearTimeout(timer);
          this.welcome(socket, message);
          resolve(true);
          return;
        }
        this.receive(message);
      });
      send(socket, { t: 'hello', key, window: this.windowId, held: [...this.held], retained: this.kept.offer() });
    });
  }

  private welcome(socket: net.Socket, message: Message): void {
    const wasAlone = this.alone;
    this.alone = false;
    clearTimeout(this.aloneTimer);
    this.socket = socket;
    if (wasAlone) this.log('info', 'Connected to the other VS Code windows again.');
    const retained = (message.retained ?? {}) as Record<string, { value?: unknown; stamp?: unknown }>;
    for (const [topic, entry] of Object.entries(retained)) this.deliver(topic, entry.value, Number(entry.stamp) || 0, true);
    // Requests made while connecting go out now.
    for (const [req, pending] of this.pending) send(socket, { t: 'acquire', name: pending.name, req, wait: pending.wait });
  }

  private receive(message: Message): void {
    const req = typeof message.req === 'number' ? message.req : -1;
    switch (message.t) {
      case 'msg':
        if (typeof message.topic === 'string') this.deliver(message.topic, message.value, Number(message.stamp) || 0, message.retain === true);
        return;
      case 'granted':
      case 'busy': {
        const pending = this.pending.get(req);
        if (!pending) {
          // Given up on before the answer came: let go of it at once.
          if (message.t === 'granted' && typeof message.name === 'string' && this.socket) send(this.socket, { t: 'release', name: message.name });
          return;
        }
        this.pending.delete(req);
        pending.cleanup();
        pending.resolve(message.t === 'granted' ? this.lease(pending.name) : undefined);
        return;
      }
      default:
        return;
    }
  }

  private deliver(topic: string, value: unknown, stamp: number, retained: boolean): void {
    if (retained && !this.kept.keep(topic, value, stamp, undefined)) return;
    for (const listener of [...(this.listeners.get(topic) ?? [])]) {
      try {
        listener(value);
      } catch (error) {
        this.log('warn', `A listener of "${topic}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** The hub went away: reconnect (another window, or this one, hosts the next). */
  private lost(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    if (this.disposed) return;
    this.log('debug', 'The windows\' hub went away; reconnecting.');
    const hosting = this.hosting;
    this.hosting = undefined;
    if (hosting) void stopHosting(hosting);
    void pause(Math.random() * 50).then(() => this.connect());
  }

  private workAlone(): void {
    if (!this.alone) this.log('warn', 'Could not reach the other VS Code windows; this window works on its own for now.');
    this.alone = true;
    // Requests made while connecting are answered here.
    for (const [req, pending] of [...this.pending]) {
      this.pending.delete(req);
      pending.cleanup();
      void this.acquireAlone(pending.name, pending.wait, undefined).then(pending.resolve);
    }
    clearTimeout(this.aloneTimer);
    this.aloneTimer = setTimeout(() => void this.connect(), this.options.retryAloneMs ?? 5_000);
    this.aloneTimer.unref();
  }

  private acquireAlone(name: string, wait: boolean, signal: AbortSignal | undefined): Promise<Lease | undefined> {
    return this.local.acquire(name, wait, signal).then((granted) => (granted ? this.lease(name) : undefined));
  }
}
