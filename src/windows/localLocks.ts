// Locks for a window working alone (no hub could be reached): in this process, in order. Pure.

export class LocalLocks {
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
