// The hub every window of this user (and VS Code profile) connects to: one window hosts it,
// all of them (the host too) talk through it. It does four things:
// - broadcast: a message one window publishes reaches every other window, in order;
// - retained topics: the newest value of a topic (by its stamp) is kept, handed to windows
//   that connect later, and dropped after its time to live;
// - locks (hubLocks.ts): one holder at a time, a queue of waiters, and a lock whose holder
//   disconnects (its window closed, or crashed) passes to the next at once;
// - calls (hubCalls.ts): a client that only asks (the credentials helper) is answered by a
//   window that serves the question.
// When the host window goes, another window hosts a new hub; windows reconnect, re-assert the
// locks they hold (the new hub keeps the locks for them a moment before granting any to
// others) and hand over their retained values, of which the newest wins again.
//
// Pure Node: no vscode here.
import * as net from 'node:net';
import { CallRouter } from './hubCalls';
import { LockTable } from './hubLocks';
import { helloProof, newNonce, proofHolds, readMessages, tell, welcomeProof, type Hello, type Join, type Message, type Offered, type Peer } from './wire';

/** A window says hello within this long, or is disconnected. */
const HELLO_TIMEOUT_MS = 5_000;
/**
 * At most this many connections may be waiting to say hello; the one waiting longest makes room
 * for a new one (a window proves itself at once): a flood costs the hub, not the extension host's
 * descriptors, and windows are still heard.
 */
const MAX_UNPROVEN = 64;
/** How every hello begins (wire.ts writes `t` first). */
const HELLO_START = '{"t":"hello"';
/** Nonces of hellos heard, so that none is heard twice (the oldest are forgotten past this many). */
const NONCES_KEPT = 4_096;

/** A value a topic keeps, and its stamp. */
type Retained = Pick<Offered, 'value' | 'stamp'>;

export interface HubOptions {
  /** After starting, locks are kept this long for windows re-asserting them (a previous hub went away). */
  readonly reclaimMs: number;
  /** How long a connection may take to say hello (tests shorten it). */
  readonly helloTimeoutMs?: number;
}

export class Hub {
  private readonly peers = new Set<Peer>();
  private readonly locks: LockTable;
  private readonly calls = new CallRouter();
  private readonly retained = new Map<string, Retained>();
  private readonly expiry = new Map<string, NodeJS.Timeout>();
  private readonly nonces = new Set<string>();
  private reclaimTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly address: string,
    private readonly key: string,
    private readonly options: HubOptions,
  ) {
    this.locks = new LockTable(options.reclaimMs, (peer) => this.peers.has(peer));
    // Ended by the timer itself, not by comparing clocks: a timer may fire a millisecond before
    // Date.now() says its time has come, and the windows waiting would never be answered.
    this.reclaimTimer = setTimeout(() => {
      this.reclaimTimer = undefined;
      this.locks.endReclaim();
    }, options.reclaimMs);
    this.reclaimTimer.unref();
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens at `address`. Rejects with the listen error. */
  static async listen(address: string, key: string, options: HubOptions): Promise<Hub> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new Hub(server, address, key, options);
  }

  /** Windows connected now (clients that only ask are not counted). */
  get windows(): number {
    return [...this.peers].filter((p) => p.welcomed && !p.client).length;
  }

  /** What the hub keeps now: its connections, locks, calls waiting, names served, retained topics. */
  get size(): { readonly peers: number; readonly locks: number; readonly calls: number; readonly served: number; readonly retained: number } {
    return { peers: this.peers.size, locks: this.locks.size, ...this.calls.size, retained: this.retained.size };
  }

  close(): Promise<void> {
    clearTimeout(this.reclaimTimer);
    for (const timer of this.expiry.values()) clearTimeout(timer);
    for (const peer of this.peers) peer.socket.destroy();
    this.peers.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const unproven = [...this.peers].filter((p) => !p.welcomed);
    if (unproven.length >= MAX_UNPROVEN) unproven[0].socket.destroy();
    const peer: Peer = { socket, welcomed: false, client: false, joined: false };
    this.peers.add(peer);
    socket.setTimeout(this.options.helloTimeoutMs ?? HELLO_TIMEOUT_MS, () => {
      if (!peer.welcomed) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.gone(peer));
    // A window's first words are its hello: anyone else is sent away at once.
    let heard = '';
    const firstWords = (chunk: Buffer | string) => {
      heard += chunk.toString();
      if (!heard.startsWith(HELLO_START.slice(0, heard.length))) socket.destroy();
      else if (heard.length >= HELLO_START.length) socket.off('data', firstWords);
    };
    socket.on('data', firstWords);
    readMessages(socket, (message) => {
      if (peer.welcomed) return this.handle(peer, message);
      if (message.t !== 'hello' || !this.proven(message)) return void socket.destroy();
      socket.setTimeout(0);
      this.hello(peer, message);
    });
  }

  /** True when the hello's proof holds and its nonce is new. */
  private proven({ nonce, proof }: Hello): boolean {
    if (!nonce || nonce.length > 100 || this.nonces.has(nonce)) return false;
    if (!proofHolds(proof, helloProof(this.key, this.address, nonce))) return false;
    if (this.nonces.size >= NONCES_KEPT) this.nonces.delete(this.nonces.values().next().value!);
    this.nonces.add(nonce);
    return true;
  }

  private hello(peer: Peer, message: Hello): void {
    peer.welcomed = true;
    const nonce = newNonce();
    const proof = welcomeProof(this.key, this.address, message.nonce, nonce);
    if (message.role === 'client') {
      // It only asks: no locks, no broadcasts, nothing retained (the session stays with the windows).
      peer.client = true;
      tell(peer, { t: 'welcome', nonce, proof, retained: {} });
      return;
    }
    tell(peer, { t: 'welcome', nonce, proof, retained: Object.fromEntries(this.retained) });
  }

  /** A window that has checked the hub's welcome: the locks it held at the previous hub, and what it retains. */
  private join(peer: Peer, message: Join): void {
    if (peer.joined) return;
    peer.joined = true;
    this.locks.reclaim(peer, message.held);
    // Its retained values meet those of the other windows: the newest wins, and is passed on.
    for (const [topic, { value, stamp, ttlMs }] of Object.entries(message.retained)) {
      if (this.retain(topic, { value, stamp }, ttlMs, false)) this.broadcast(peer, { t: 'msg', topic, value, stamp, retain: true });
    }
  }

  private handle(peer: Peer, message: Message): void {
    if (message.t === 'req') return this.calls.ask(peer, message);
    // Everything else is a window's, not a client's.
    if (peer.client) return void peer.socket.destroy();
    switch (message.t) {
      case 'join':
        return this.join(peer, message);
      case 'pub': {
        const { topic, value, stamp, retain } = message;
        if (retain && !this.retain(topic, { value, stamp }, message.ttlMs, true)) return;
        return this.broadcast(peer, { t: 'msg', topic, value, stamp, retain });
      }
      case 'acquire':
        return this.locks.acquire(peer, message.name, message.req, message.wait);
      case 'cancel':
        return this.locks.cancel(peer, message.req);
      case 'release':
        return this.locks.release(peer, message.name);
      case 'serve':
        return this.calls.serve(peer, message.name);
      case 'unserve':
        return this.calls.unserve(peer, message.name);
      case 'reply':
        return this.calls.answer(peer, message);
      default:
        // What the hub says to windows (or a second hello): nothing for the hub to do.
        return;
    }
  }

  /** Keeps a value unless a newer one (or, with `orEqual` false, as new) is kept already; true when kept. */
  private retain(topic: string, kept: Retained, ttlMs: number | undefined, orEqual: boolean): boolean {
    const current = this.retained.get(topic);
    if (current && (orEqual ? current.stamp > kept.stamp : current.stamp >= kept.stamp)) return false;
    clearTimeout(this.expiry.get(topic));
    this.expiry.delete(topic);
    if (ttlMs !== undefined && ttlMs <= 0) {
      this.retained.delete(topic);
      return true;
    }
    if (ttlMs !== undefined) {
      const timer = setTimeout(() => {
        this.retained.delete(topic);
        this.expiry.delete(topic);
      }, ttlMs);
      timer.unref();
      this.expiry.set(topic, timer);
    }
    this.retained.set(topic, kept);
    return true;
  }

  private broadcast(from: Peer, message: Message): void {
    for (const peer of this.peers) if (peer !== from && peer.welcomed && !peer.client) tell(peer, message);
  }

  private gone(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    this.locks.gone(peer);
    this.calls.gone(peer);
  }
}
