// The hub's locks: one holder at a time, a queue of waiters, and a lock whose holder disconnects
// (its window closed, or crashed) passes to the next at once. A new hub keeps locks for the
// windows that held them at the previous one for a moment (`reclaiming`) before it answers
// anyone else. Pure Node.
import { tell, type Peer } from './wire';

interface LockState {
  holder: Peer | undefined;
  /** Windows in line, in order; `wait` false: a window that only asks, answered once the moment for holders is over. */
  readonly queue: { peer: Peer; req: number; wait: boolean }[];
}

export class LockTable {
  private readonly locks = new Map<string, LockState>();
  /** While true, locks are kept for windows re-asserting them: nobody else is answered yet. */
  private reclaiming: boolean;

  constructor(
    reclaimMs: number,
    private readonly connected: (peer: Peer) => boolean,
  ) {
    this.reclaiming = reclaimMs > 0;
  }

  /** The moment for holders to come back is over: everyone in line is answered. */
  endReclaim(): void {
    this.reclaiming = false;
    for (const [name, lock] of this.locks) this.grantNext(name, lock);
  }

  /** Locks this window held at the hub that went away are its own again. */
  reclaim(peer: Peer, names: readonly unknown[]): void {
    for (const name of names) {
      if (typeof name !== 'string') continue;
      const lock = this.lock(name);
      if (!lock.holder) lock.holder = peer;
    }
  }

  acquire(peer: Peer, name: string, req: number, wait: boolean): void {
    const lock = this.lock(name);
    if (!lock.holder && !this.reclaiming && lock.queue.length === 0) {
      lock.holder = peer;
      tell(peer, { t: 'granted', name, req });
    } else if (wait || this.reclaiming) {
      lock.queue.push({ peer, req, wait });
    } else {
      tell(peer, { t: 'busy', name, req });
    }
  }

  cancel(peer: Peer, req: number): void {
    for (const [name, lock] of this.locks) {
      const at = lock.queue.findIndex((w) => w.peer === peer && w.req === req);
      if (at >= 0) lock.queue.splice(at, 1);
      this.forgetIdle(name, lock);
    }
  }

  release(peer: Peer, name: string): void {
    const lock = this.locks.get(name);
    if (lock?.holder !== peer) return;
    lock.holder = undefined;
    this.grantNext(name, lock);
  }

  /** A window went away: its place in every line, and the locks it held. */
  gone(peer: Peer): void {
    for (const [name, lock] of this.locks) {
      for (let at = lock.queue.findIndex((w) => w.peer === peer); at >= 0; at = lock.queue.findIndex((w) => w.peer === peer)) lock.queue.splice(at, 1);
      if (lock.holder === peer) {
        lock.holder = undefined;
        this.grantNext(name, lock);
      }
      this.forgetIdle(name, lock);
    }
  }

  private lock(name: string): LockState {
    let lock = this.locks.get(name);
    if (!lock) this.locks.set(name, (lock = { holder: undefined, queue: [] }));
    return lock;
  }

  /** Gives a free lock to the first window in line; those that only asked hear it is taken. */
  private grantNext(name: string, lock: LockState): void {
    if (this.reclaiming) return;
    const stillWaiting: LockState['queue'] = [];
    for (const next of lock.queue.splice(0)) {
      if (!this.connected(next.peer)) continue;
      if (!lock.holder) {
        lock.holder = next.peer;
        tell(next.peer, { t: 'granted', name, req: next.req });
      } else if (next.wait) {
        stillWaiting.push(next);
      } else {
        tell(next.peer, { t: 'busy', name, req: next.req });
      }
    }
    lock.queue.push(...stillWaiting);
    this.forgetIdle(name, lock);
  }

  /** A lock nobody holds or waits for is forgotten: lock names cannot pile up in the hub. */
  private forgetIdle(name: string, lock: LockState): void {
    if (!lock.holder && lock.queue.length === 0) this.locks.delete(name);
  }

  /** Locks held or waited for now. */
  get size(): number {
    return this.locks.size;
  }
}
