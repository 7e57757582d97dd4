// A window's side of the hub's locks: asking, waiting, letting go, and telling a new hub which
// locks this window holds. Working alone (no hub could be reached), the locks are this window's
// own: in this process, in order (LocalLocks, below). Pure Node.
import type { AcquireOptions, Lease } from './channel';
import type { Busy, Granted, Message } from './wire';

/** How the parts of a bus reach the hub: false when there is no connection now. */
export type Send = (message: Message) => boolean;

interface Pending {
  readonly name: string;
  readonly wait: boolean;
  readonly resolve: (lease: Lease | undefined) => void;
  readonly cleanup: () => void;
}

export class BusLocks {
  private readonly held = new Set<string>();
  private readonly pending = new Map<number, Pending>();
  private readonly local = new LocalLocks();
  private nextReq = 1;
  private alone = false;
  private disposed = false;

  constructor(private readonly send: Send) {}

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
        this.send({ t: 'cancel', req });
        pending.resolve(undefined);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(req, { name, wait, resolve, cleanup: () => options.signal?.removeEventListener('abort', onAbort) });
      this.send({ t: 'acquire', name, req, wait });
    });
  }

  /** What a new hub hears when this window joins it: the locks it holds. */
  get heldNames(): string[] {
    return [...this.held];
  }

  /** Connected to a hub (again): the requests made meanwhile go out. */
  connected(): void {
    this.alone = false;
    for (const [req, pending] of this.pending) this.send({ t: 'acquire', name: pending.name, req, wait: pending.wait });
  }

  /** No hub can be reached: what was asked is answered here. */
  workAlone(): void {
    this.alone = true;
    for (const [req, pending] of [...this.pending]) {
      this.pending.delete(req);
      pending.cleanup();
      void this.acquireAlone(pending.name, pending.wait, undefined).then(pending.resolve);
    }
  }

  /** The hub's answer to an acquire. */
  receive(message: Granted | Busy): void {
    const pending = this.pending.get(message.req);
    if (!pending) {
      // Given up on before the answer came: let go of it at once.
      if (message.t === 'granted') this.send({ t: 'release', name: message.name });
      return;
    }
    this.pending.delete(message.req);
    pending.cleanup();
    pending.resolve(message.t === 'granted' ? this.lease(pending.name) : undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const pending of this.pending.values()) {
      pending.cleanup();
      pending.resolve(undefined);
    }
    this.pending.clear();
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
        else this.send({ t: 'release', name });
      },
    };
  }

  private acquireAlone(name: string, wait: boolean, signal: AbortSignal | undefined): Promise<Lease | undefined> {
    return this.local.acquire(name, wait, signal).then((granted) => (granted ? this.lease(name) : undefined));
  }
}

/** The locks of a window working alone: held in this process, given to waiters in order. */
class LocalLocks {
  private readonly held = new Set<string>();
  private readonly waiters = new Map<string, (() => void)[]>();

  /** True once held; false when `wait` is false and it is taken, or when `signal` stops the wait. */
  acquire(name: string, wait: boolean, signal: AbortSignal | undefined): Promise<boolean> {
    if (!this.held.has(name)) {
      this.held.add(name);
      return Promise.resolve(true);
    }
    if (!wait || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const queue = this.waiters.get(name) ?? [];
      this.waiters.set(name, queue);
      const grant = () => {
        signal?.removeEventListener('abort', abort);
        resolve(true);
      };
      const abort = () => {
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', abort, { once: true });
      queue.push(grant);
    });
  }

  /** Lets go; the next waiter holds it. */
  release(name: string): void {
    const next = this.waiters.get(name)?.shift();
    if (next) next();
    else this.held.delete(name);
  }
}
