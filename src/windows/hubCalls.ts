// The hub's calls: a question (the credentials helper's "the keys, please") goes to a window
// that serves it, and its answer back to whoever asked. If that window goes away before it
// answers, the next window that serves it is asked; with none left, the asker hears so at once.
// Pure Node.
import { tell, type Peer, type Reply, type Req } from './wire';

/** A question on its way: who asked, and which windows were asked already. */
interface Asked {
  readonly asker: Peer;
  readonly req: number;
  readonly name: string;
  readonly payload: unknown;
  /** Windows asked already. */
  readonly tried: Set<Peer>;
  server: Peer | undefined;
}

export class CallRouter {
  /** Who serves what, oldest first. */
  private readonly servers = new Map<string, Peer[]>();
  private readonly calls = new Map<number, Asked>();
  private nextId = 1;

  serve(peer: Peer, name: string): void {
    const list = this.servers.get(name) ?? [];
    if (!list.includes(peer)) list.push(peer);
    this.servers.set(name, list);
  }

  unserve(peer: Peer, name: string): void {
    this.keep(name, (this.servers.get(name) ?? []).filter((p) => p !== peer));
  }

  /** Calls waiting for an answer, and names served, now. */
  get size(): { readonly calls: number; readonly served: number } {
    return { calls: this.calls.size, served: this.servers.size };
  }

  private keep(name: string, list: Peer[]): void {
    if (list.length) this.servers.set(name, list);
    else this.servers.delete(name);
  }

  ask(asker: Peer, { name, req, payload }: Req): void {
    const id = this.nextId++;
    const call: Asked = { asker, req, name, payload, tried: new Set(), server: undefined };
    this.calls.set(id, call);
    this.pass(id, call);
  }

  answer(server: Peer, { id, ok, value, error }: Reply): void {
    const call = this.calls.get(id);
    if (!call || call.server !== server) return;
    this.calls.delete(id);
    tell(call.asker, { t: 'answer', req: call.req, ok, value, error });
  }

  /** A window went away: it serves nothing more, its unanswered calls go to the next server, and its own questions are dropped. */
  gone(peer: Peer): void {
    for (const [name, list] of this.servers) this.keep(name, list.filter((p) => p !== peer));
    for (const [id, call] of this.calls) {
      if (call.asker === peer) this.calls.delete(id);
      else if (call.server === peer) this.pass(id, call);
    }
  }

  private pass(id: number, call: Asked): void {
    const next = (this.servers.get(call.name) ?? []).find((p) => !call.tried.has(p));
    if (!next) {
      this.calls.delete(id);
      tell(call.asker, { t: 'answer', req: call.req, ok: false, code: 'noServer', error: `No VS Code window serves "${call.name}".` });
      return;
    }
    call.tried.add(next);
    call.server = next;
    tell(next, { t: 'call', id, name: call.name, payload: call.payload });
  }
}
