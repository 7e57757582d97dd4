// A window's side of the hub's calls: the services this window answers (the keys, a sign-in)
// and the questions it asks. The hub passes a question to a window that serves it; if that
// window goes away before it answers, the next one is asked. Working alone, a window answers its
// own questions. Pure Node.
import type { CallHandler } from './channel';
import type { Send } from './busLocks';
import type { Message } from './wire';

/** Why a call got no answer. */
export class CallError extends Error {
  constructor(
    readonly code: 'noServer' | 'timeout' | 'failed' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

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

  /** A message of the hub's about calls; false when it is about something else. */
  receive(message: Message): boolean {
    if (message.t === 'call') {
      void this.answer(message);
      return true;
    }
    if (message.t !== 'answer') return false;
    const req = typeof message.req === 'number' ? message.req : -1;
    const w = this.waiting.get(req);
    if (!w) return true;
    this.waiting.delete(req);
    clearTimeout(w.timer);
    if (message.ok === true) w.resolve(message.value);
    else w.reject(new CallError(message.code === 'noServer' ? 'noServer' : 'failed', typeof message.error === 'string' ? message.error : 'The call failed.'));
    return true;
  }

  dispose(): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new CallError('closed', 'This window is closing.'));
    }
    this.waiting.clear();
  }

  private async answer(message: Message): Promise<void> {
    const id = message.id;
    const handler = typeof message.name === 'string' ? this.handlers.get(message.name) : undefined;
    if (!handler) return void this.send({ t: 'reply', id, ok: false, error: 'This window does not serve that.' });
    try {
      this.send({ t: 'reply', id, ok: true, value: (await handler(message.payload)) ?? null });
    } catch (error) {
      this.send({ t: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private async answerHere(name: string, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(name);
    if (!handler) throw new CallError('noServer', `No window serves "${name}".`);
    return handler(payload);
  }
}
