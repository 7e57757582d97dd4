// The one way windows of VS Code talk to each other: each window's connection to the hub
// (hub.ts), over a channel only this OS user can open (place.ts). The first window to find no
// hub hosts one; when it goes, another takes over, and every window reconnects by itself.
//
//   publish / subscribe   a message to every other window; retained topics keep their newest
//                         value (by stamp) for windows that connect later
//   acquire               a lock across windows, let go of when its window goes away (busLocks.ts)
//   serve / call          a question a window answers for others: the credentials helper's
//                         (busCalls.ts)
//
// What most of the extension holds is not the bus itself but a value on it (shared.ts).
// A window that cannot reach or host a hub works alone (its locks are its own) and tries again
// in the background. Pure Node: no vscode here.
import { randomUUID } from 'node:crypto';
import type * as net from 'node:net';
import { BusCalls } from './busCalls';
import { Hub, type HubOptions } from './hub';
import { BusLocks } from './busLocks';
import type { AcquireOptions, BusLog, BusOptions, CallHandler, Disposable, Lease, PublishOptions, WindowChannel } from './channel';
import { RetainedValues } from './retained';
import { claimHub, readHubAddress, type HubClaim } from './place';
import { connectTo, helloProof, newNonce, proofHolds, readMessages, send, welcomeProof, type Kept, type Message } from './wire';

export { CallError, type AcquireOptions, type BusLog, type BusOptions, type CallHandler, type Disposable, type Lease, type PublishOptions, type WindowChannel } from './channel';

const WELCOME_TIMEOUT_MS = 5_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The hub this window hosts, in the folder it claimed. */
interface Hosting {
  readonly hub: Hub;
  readonly claim: HubClaim;
}

/** Hosts the hub for the windows of `storageDir`; undefined when another window does (or is about to). */
async function hostHub(storageDir: string, options: HubOptions): Promise<Hosting | undefined> {
  const claim = await claimHub(storageDir);
  if (!claim) return undefined;
  try {
    const hub = await Hub.listen(claim.address, claim.key, options);
    await claim.publish();
    return { hub, claim };
  } catch (error) {
    claim.release();
    throw error;
  }
}

/** Closes a hosted hub and gives up its folder. */
async function stopHosting(hosting: Hosting): Promise<void> {
  hosting.claim.release();
  await hosting.hub.close();
}

export class WindowBus implements WindowChannel {
  readonly windowId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private socket: net.Socket | undefined;
  private hosting: Hosting | undefined;
  private disposed = false;
  private alone = false;
  private aloneTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private readonly listeners = new Map<string, Set<(value: unknown) => void>>();
  private readonly kept = new RetainedValues();
  private readonly log: BusLog;
  /** How the locks and calls reach the hub: false while there is no connection. */
  private readonly toHub = (message: Message): boolean => Boolean(this.socket && (send(this.socket, message), true));
  private readonly locks = new BusLocks(this.toHub);
  private readonly calls = new BusCalls(this.toHub);

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
    return !this.socket ? 'alone' : this.hosting ? 'host' : 'member';
  }

  /** Windows connected to the hub this window hosts (undefined when it hosts none). */
  get hostedWindows(): number | undefined {
    return this.hosting?.hub.windows;
  }

  /** What the hub this window hosts keeps now (undefined when it hosts none). */
  get hostedHubSize(): Hub['size'] | undefined {
    return this.hosting?.hub.size;
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
    return this.locks.acquire(name, options);
  }

  serve(name: string, handler: CallHandler): Disposable {
    return this.calls.serve(name, handler);
  }

  call(name: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    return this.calls.call(name, payload, timeoutMs);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.aloneTimer);
    this.locks.dispose();
    this.calls.dispose();
    this.socket?.destroy();
    this.socket = undefined;
    const hosting = this.hosting;
    this.hosting = undefined;
    if (hosting) await stopHosting(hosting);
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
        if (socket && (await this.join(socket, found.address, found.key))) return;
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
      const hosting = await hostHub(this.options.storageDir, { reclaimMs: this.options.reclaimMs ?? 1_000, helloTimeoutMs: this.options.helloTimeoutMs });
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

  /**
   * Proves to the hub that this window knows the key, checks the hub's proof, and only then says
   * what it holds and keeps; true once welcomed by a hub whose proof held.
   */
  private join(socket: net.Socket, address: string, key: string): Promise<boolean> {
    return new Promise((resolve) => {
      let welcomed = false;
      const timer = setTimeout(() => socket.destroy(), WELCOME_TIMEOUT_MS);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        clearTimeout(timer);
        if (!welcomed) resolve(false);
        else this.lost(socket);
      });
      const nonce = newNonce();
      readMessages(socket, (message) => {
        if (!welcomed) {
          if (message.t !== 'welcome' || !proofHolds(message.proof, welcomeProof(key, address, nonce, message.nonce))) {
            this.log('warn', `Something answered at the windows' hub address without the hub's proof; not talking to it.`);
            return void socket.destroy();
          }
          welcomed = true;
          clearTimeout(timer);
          send(socket, { t: 'join', held: this.locks.heldNames, retained: this.kept.offer() });
          this.welcome(socket, message.retained);
          resolve(true);
          return;
        }
        this.receive(message);
      });
      send(socket, { t: 'hello', nonce, proof: helloProof(key, address, nonce), role: 'window' });
    });
  }

  private welcome(socket: net.Socket, retained: Kept): void {
    const wasAlone = this.alone;
    this.alone = false;
    clearTimeout(this.aloneTimer);
    this.socket = socket;
    if (wasAlone) this.log('info', 'Connected to the other VS Code windows again.');
    for (const [topic, { value, stamp }] of Object.entries(retained)) this.deliver(topic, value, stamp, true);
    // What was asked while connecting goes out now.
    this.locks.connected();
    this.calls.connected();
  }

  private receive(message: Message): void {
    switch (message.t) {
      case 'msg':
        return this.deliver(message.topic, message.value, message.stamp, message.retain);
      case 'granted':
      case 'busy':
        return this.locks.receive(message);
      case 'call':
        return void this.calls.answer(message);
      case 'answer':
        return this.calls.answered(message);
      default:
        // What windows say to the hub: never said to a window.
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
    // What was asked while connecting is answered here.
    this.locks.workAlone();
    this.calls.workAlone();
    clearTimeout(this.aloneTimer);
    this.aloneTimer = setTimeout(() => void this.connect(), this.options.retryAloneMs ?? 5_000);
    this.aloneTimer.unref();
  }
}
