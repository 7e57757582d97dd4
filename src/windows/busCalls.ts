// A window's side of the hub's calls: the services this window answers (the keys, a sign-in)
// and the questions it asks. The hub passes a question to a window that serves it; if that
// window goes away before it answers, the next one is asked. Working alone, a window answers its
// own questions. Pure Node.
import { CallError, type CallHandler } from './channel';
import type { Send } from './busLocks';
import { callError, type Answer, type Call } from './wire';

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly name: string;
  readonly payload: unknown;
}

export class BusCalls {
  private readonly handlers = new Map<string, CallHandler>();
  private readonly waiting = new Map<number, Waiting>();
  private nextReq = 1;
  private alone = false;

  constructor(private readonly send: Send) {}

  serve(name: string, handler: CallHandler): { dispose(): void } {
    this.handlers.set(name, handler);
    this.send({ t: 'serve', name });
    return {
      dispose: () => {
        if (this.handlers.get(name) !== handler) return;
        this.handlers.delete(name);
        this.send({ t: 'unserve', name });
      },
    };
  }

  call(name: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    if (this.alone) return this.answerHere(name, payload);
    return new Promise((resolve, reject) => {
      const req = this.nextReq++;
      const timer = setTimeout(() => {
        this.waiting.delete(req);
        reject(new CallError('timeout', `No window answered "${name}" within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      this.waiting.set(req, { resolve, reject, timer, name, payload });
      this.send({ t: 'req', name, req, payload });
    });
  }

  /** Connected to a hub (again): this window serves there too, and its questions go out. */
  connected(): void {
    this.alone = false;
    for (const name of this.handlers.keys()) this.send({ t: 'serve', name });
    for (const [req, w] of this.waiting) this.send({ t: 'req', name: w.name, req, payload: w.payload });
  }

  /** No hub can be reached: this window answers its own questions. */
  workAlone(): void {
    this.alone = true;
    for (const [req, w] of [...this.waiting]) {
      this.waiting.delete(req);
      clearTimeout(w.timer);
      this.answerHere(w.name, w.payload).then(w.resolve, w.reject);
    }
  }

  /** The hub's answer to a question of this window's. */
  answered(message: Answer): void {
    const w = this.waiting.get(message.req);
    if (!w) return;
    this.waiting.delete(message.req);
    clearTimeout(w.timer);
    const error = callError(message);
    if (error) w.reject(error);
    else w.resolve(message.value);
  }

  /** A question the hub passes to this window, which serves it. */
  async answer(message: Call): Promise<void> {
    const { id } = message;
    const handler = this.handlers.get(message.name);
    if (!handler) return void this.send({ t: 'reply', id, ok: false, error: 'This window does not serve that.' });
    try {
      this.send({ t: 'reply', id, ok: true, value: (await handler(message.payload)) ?? null });
    } catch (error) {
      this.send({ t: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  dispose(): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new CallError('closed', 'This window is closing.'));
    }
    this.waiting.clear();
  }

  private async answerHere(name: string, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(name);
    if (!handler) throw new CallError('noServer', `No window serves "${name}".`);
    return handler(payload);
  }
}
