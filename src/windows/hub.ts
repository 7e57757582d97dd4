// The hub every window of this user (and VS Code profile) connects to: one window hosts it,
// all of them (the host too) talk through it. It does three things:
// - broadcast: a message one window publishes reaches every other window, in order;
// - retained topics: the newest value of a topic (by its stamp) is kept, handed to windows
//   that connect later, and dropped after its time to live;
// - locks: one holder at a time, a queue of waiters, and a lock whose holder disconnects
//   (its window closed, or crashed) passes to the next at once.
// When the host window goes, another window hosts a new hub; windows reconnect, re-assert the
// locks they hold (the new hub keeps the locks for them a moment before granting any to
// others) and hand over their retained values, of which the newest wins again.
//
// Pure Node: no vscode here.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';
import { readMessages, send, type Message } from './wire';

/** A window says hello within this long, or is disconnected. */
const HELLO_TIMEOUT_MS = 5_000;
/** How every window's hello begins (wire.ts writes `t` first). */
const HELLO_START = '{"t":"hello"';

export interface Retained {
  readonly value: unknown;
  readonly stamp: number;
  /** Epoch milliseconds after which the value is dropped. */
  readonly expiresAt?: number;
}

interface Peer {
  readonly socket: net.Socket;
  welcomed: boolean;
}

interface LockState {
  holder: Peer | undefined;
  /** Windows waiting, in order; `wait` false: a window that only asks, answered once the reclaim moment is over. */
  readonly queue: { peer: Peer; req: number; wait: boolean }[];
}

export interface HubOptions {
  /** After starting, locks are kept this long for windows re-asserting them (a previous hub went away). */
  readonly reclaimMs: number;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stampOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export class Hub {
  private readonly peers = new Set<Peer>();
  private readonly locks = new Map<string, LockState>();
  private readonly retained = new Map<string, Retained>();
  private readonly expiry = new Map<string, NodeJS.Timeout>();
  private readonly keyDigest: Buffer;
  /** While true, locks are kept for windows re-asserting them: nobody else is answered yet. */
  private reclaiming: boolean;
  private reclaimTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: net.Server,
    key: string,
    options: HubOptions,
  ) {
    this.keyDigest = digest(key);
    // Ended by the timer itself, not by comparing clocks: a timer may fire a millisecond before
    // Date.now() says its time has come, and the windows waiting would never be answered.
    this.reclaiming = options.reclaimMs > 0;
    this.reclaimTimer = setTimeout(() => this.grantWaiting(), options.reclaimMs);
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
    return new Hub(server, key, options);
  }

  /** Windows connected now. */
  get windows(): number {
    return [...this.peers].filter((p) => p.welcomed).length;
  }

  close(): Promise<void> {
    clearTimeout(this.reclaimTimer);
    for (const timer of this.expiry.values()) clearTimeout(timer);
    for (const peer of this.peers) peer.socket.destroy();
    this.peers.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const peer: Peer = { socket, welcomed: false };
    this.peers.add(peer);
    socket.setTimeout(HELLO_TIMEOUT_MS, () => {
      if (!peer.welcomed) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.gone(peer));
    // A window's first words are its hello: anyone else is sent away at once.
    let heard = '';
    const firstWords = (chunk: Buffer | string) => {
      heard += chunk.toString();
      const expected = HELLO_START.slice(0, heard.length);
      if (!heard.startsWith(expected)) socket.destroy();
      else if (heard.length >= HELLO_START.length) socket.off('data', firstWords);
    };
    socket.on('data', firstWords);
    readMessages(socket, (message) => {
      if (!peer.welcomed) {
        if (message.t !== 'hello' || !this.keyMatches(text(message.key))) {
          socket.destroy();
          return;
        }
        socket.setTimeout(0);
        this.hello(peer, message);
        return;
      }
      this.handle(peer, message);
    });
  }

  private keyMatches(key: string | undefined): boolean {
    return key !== undefined && timingSafeEqual(digest(key), this.keyDigest);
  }

  private hello(peer: Peer, message: Message): void {
    peer.welcomed = true;
    // Locks this window held at the hub that went away are its own again.
    for (const name of Array.isArray(message.held) ? message.held : []) {
      if (typeof name !== 'string') continue;
      const lock = this.lock(name);
      if (!lock.holder) lock.holder = peer;
    }
    // Its retained values meet those of the other windows: the newest wins, and is passed on.
    const offered = (message.retained ?? {}) as Record<string, { value?: unknown; stamp?: unknown; ttlMs?: unknown }>;
    for (const [topic, entry] of Object.entries(offered)) {
      const ttlMs = typeof entry?.ttlMs === 'number' ? entry.ttlMs : undefined;
      if (this.retain(topic, entry?.value, stampOf(entry?.stamp), ttlMs, false)) this.broadcast(peer, { t: 'msg', topic, value: entry?.value, stamp: stampOf(entry?.stamp), retain: true });
    }
    const retained: Record<string, { value: unknown; stamp: number }> = {};
    for (const [topic, entry] of this.retained) retained[topic] = { value: entry.value, stamp: entry.stamp };
    send(peer.socket, { t: 'welcome', retained });
  }

  private handle(peer: Peer, message: Message): void {
    const name = text(message.name);
    const req = typeof message.req === 'number' ? message.req : -1;
    switch (message.t) {
      case 'pub': {
        const topic = text(message.topic);
        if (!topic) return;
        const stamp = stampOf(message.stamp);
        if (message.retain === true) {
          const ttlMs = typeof message.ttlMs === 'number' ? message.ttlMs : undefined;
          if (!this.retain(topic, message.value, stamp, ttlMs, true)) return;
        }
        this.broadcast(peer, { t: 'msg', topic, value: message.value, stamp, retain: message.retain === true });
        return;
      }
      case 'acquire': {
        if (!name) return;
        const lock = this.lock(name);
        const reclaiming = this.reclaiming;
        if (!lock.holder && !reclaiming && lock.queue.length === 0) {
          lock.holder = peer;
          send(peer.socket, { t: 'granted', name, req });
        } else if (message.wait === true || reclaiming) {
          lock.queue.push({ peer, req, wait: message.wait === true });
        } else {
          send(peer.socket, { t: 'busy', name, req });
        }
        return;
      }
      case 'cancel': {
        for (const lock of this.locks.values()) {
          const at = lock.queue.findIndex((w) => w.peer === peer && w.req === req);
          if (at >= 0) lock.queue.splice(at, 1);
        }
        return;
      }
      case 'release': {
        if (!name) return;
        const lock = this.locks.get(name);
        if (lock?.holder !== peer) return;
        lock.holder = undefined;
        this.grantNext(name, lock);
        return;
      }
      default:
        return;
    }
  }

  /** Keeps a value unless a newer one (or, with `orEqual` false, as new) is kept already; true when kept. */
  private retain(topic: string, value: unknown, stamp: number, ttlMs: number | undefined, orEqual: boolean): boolean {
    const current = this.retained.get(topic);
    if (current && (orEqual ? current.stamp > stamp : current.stamp >= stamp)) return false;
    clearTimeout(this.expiry.get(topic));
    this.expiry.delete(topic);
    if (ttlMs !== undefined) {
      if (ttlMs <= 0) {
        this.retained.delete(topic);
        return true;
      }
      const timer = setTimeout(() => {
        this.retained.delete(topic);
        this.expiry.delete(topic);
      }, ttlMs);
      timer.unref();
      this.expiry.set(topic, timer);
    }
    this.retained.set(topic, { value, stamp, expiresAt: ttlMs === undefined ? undefined : Date.now() + ttlMs });
    return true;
  }

  private broadcast(from: Peer, message: Message): void {
    for (const peer of this.peers) if (peer !== from && peer.welcomed) send(peer.socket, message);
  }

  private lock(name: string): LockState {
    let lock = this.locks.get(name);
    if (!lock) {
      lock = { holder: undefined, queue: [] };
      this.locks.set(name, lock);
    }
    return lock;
  }

  /** Gives a free lock to the first window in line; those that only asked hear it is taken. */
  private grantNext(name: string, lock: LockState): void {
    if (this.reclaiming) return;
    const stillWaiting: LockState['queue'] = [];
    for (const next of lock.queue.splice(0)) {
      if (!this.peers.has(next.peer)) continue;
      if (!lock.holder) {
        lock.holder = next.peer;
        send(next.peer.socket, { t: 'granted', name, req: next.req });
      } else if (next.wait) {
        stillWaiting.push(next);
      } else {
        send(next.peer.socket, { t: 'busy', name, req: next.req });
      }
    }
    lock.queue.push(...stillWaiting);
  }

  private grantWaiting(): void {
    this.reclaimTimer = undefined;
    this.reclaiming = false;
    for (const [name, lock] of this.locks) this.grantNext(name, lock);
  }

  private gone(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    for (const [name, lock] of this.locks) {
      for (let at = lock.queue.findIndex((w) => w.peer === peer); at >= 0; at = lock.queue.findIndex((w) => w.peer === peer)) lock.queue.splice(at, 1);
      if (lock.holder === peer) {
        lock.holder = undefined;
        this.grantNext(name, lock);
      }
    }
  }
}
