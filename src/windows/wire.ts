// What goes over the windows' channel: one JSON object a line, each of one of the kinds below,
// after a handshake in which each side proves it knows the hub's key without sending it. Pure Node.
//
//   asker -> hub   hello    { nonce: a, proof: HMAC(key, "hello", address, a), role }
//   hub -> asker   welcome  { nonce: b, proof: HMAC(key, "welcome", address, a, b), retained }
//   window -> hub  join     { held, retained }   (a window, once it has checked the welcome)
//
// Then a window says pub (a value for the other windows), acquire, cancel and release (locks),
// serve and unserve (the questions it answers) and reply (its answer to a call); the hub says msg
// (another window's value), granted and busy, and call (a question for this window). Anyone
// welcomed may say req (a question for whichever window serves it), which the hub answers with
// answer. A client such as the credentials helper says only hello and req.
//
// The hub says nothing to an asker whose proof does not hold. The asker believes nothing the hub
// says (and tells it nothing) until the hub's proof holds. Both proofs are bound to the address
// the asker dialled, so a process that answers at a stale address (a named pipe another OS user
// created under a dead hub's name, on Windows) can neither pass them on to the real hub nor
// answer with them. Nothing in a hello is secret: the key itself never travels.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';
import { CallError } from './channel';

/** A longer message (or a line without its end) ends the connection: nobody of ours sends one. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** A value a topic keeps for windows that connect later, with its stamp (and, in a join, the time it has left). */
export interface Offered {
  readonly value: unknown;
  readonly stamp: number;
  readonly ttlMs?: number;
}

export type Kept = Readonly<Record<string, Offered>>;

export interface Hello { readonly t: 'hello'; readonly nonce: string; readonly proof: string; readonly role: 'window' | 'client' }
export interface Welcome { readonly t: 'welcome'; readonly nonce: string; readonly proof: string; readonly retained: Kept }
/** `held`: the locks the window held at the hub before (which went away). */
export interface Join { readonly t: 'join'; readonly held: readonly string[]; readonly retained: Kept }
export interface Pub { readonly t: 'pub'; readonly topic: string; readonly value: unknown; readonly stamp: number; readonly retain: boolean; readonly ttlMs?: number }
export interface Msg { readonly t: 'msg'; readonly topic: string; readonly value: unknown; readonly stamp: number; readonly retain: boolean }
/** `wait` false: answer busy at once rather than queue. */
export interface Acquire { readonly t: 'acquire'; readonly name: string; readonly req: number; readonly wait: boolean }
export interface Cancel { readonly t: 'cancel'; readonly req: number }
export interface Release { readonly t: 'release'; readonly name: string }
export interface Granted { readonly t: 'granted'; readonly name: string; readonly req: number }
export interface Busy { readonly t: 'busy'; readonly name: string; readonly req: number }
export interface Serve { readonly t: 'serve'; readonly name: string }
export interface Unserve { readonly t: 'unserve'; readonly name: string }
export interface Req { readonly t: 'req'; readonly name: string; readonly req: number; readonly payload: unknown }
export interface Call { readonly t: 'call'; readonly id: number; readonly name: string; readonly payload: unknown }
export interface Reply { readonly t: 'reply'; readonly id: number; readonly ok: boolean; readonly value?: unknown; readonly error?: string }
/** `code`: set when no window serves the question. */
export interface Answer { readonly t: 'answer'; readonly req: number; readonly ok: boolean; readonly value?: unknown; readonly code?: 'noServer'; readonly error?: string }

/** Every message, one type a kind. */
export type Message = Hello | Welcome | Join | Pub | Msg | Acquire | Cancel | Release | Granted | Busy | Serve | Unserve | Req | Call | Reply | Answer;

type Fields = Readonly<Record<string, unknown>>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const name = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Retained values as offered: what is not an entry of ours is left out. */
function kept(value: unknown): Kept {
  if (!isObject(value)) return {};
  const entries: [string, Offered][] = [];
  for (const [topic, entry] of Object.entries(value)) {
    if (!isObject(entry)) continue;
    const ttlMs = number(entry.ttlMs);
    entries.push([topic, { value: entry.value, stamp: number(entry.stamp) ?? 0, ...(ttlMs === undefined ? {} : { ttlMs }) }]);
  }
  // Own properties whatever the topic's name ('__proto__' included).
  return Object.fromEntries(entries);
}

/** How each kind is read: undefined when a field its kind needs is missing or of another type. */
const READERS: { readonly [K in Message['t']]: (m: Fields) => Extract<Message, { t: K }> | undefined } = {
  hello: (m) => {
    const nonce = text(m.nonce);
    const proof = text(m.proof);
    return nonce !== undefined && proof !== undefined ? { t: 'hello', nonce, proof, role: m.role === 'client' ? 'client' : 'window' } : undefined;
  },
  welcome: (m) => {
    const nonce = text(m.nonce);
    const proof = text(m.proof);
    return nonce !== undefined && proof !== undefined ? { t: 'welcome', nonce, proof, retained: kept(m.retained) } : undefined;
  },
  join: (m) => ({ t: 'join', held: Array.isArray(m.held) ? m.held.filter((h): h is string => typeof h === 'string') : [], retained: kept(m.retained) }),
  pub: (m) => {
    const topic = name(m.topic);
    const ttlMs = number(m.ttlMs);
    return topic ? { t: 'pub', topic, value: m.value, stamp: number(m.stamp) ?? 0, retain: m.retain === true, ...(ttlMs === undefined ? {} : { ttlMs }) } : undefined;
  },
  msg: (m) => {
    const topic = name(m.topic);
    return topic ? { t: 'msg', topic, value: m.value, stamp: number(m.stamp) ?? 0, retain: m.retain === true } : undefined;
  },
  acquire: (m) => {
    const [lock, req] = [name(m.name), number(m.req)];
    return lock && req !== undefined ? { t: 'acquire', name: lock, req, wait: m.wait === true } : undefined;
  },
  cancel: (m) => {
    const req = number(m.req);
    return req !== undefined ? { t: 'cancel', req } : undefined;
  },
  release: (m) => {
    const lock = name(m.name);
    return lock ? { t: 'release', name: lock } : undefined;
  },
  granted: (m) => {
    const [lock, req] = [name(m.name), number(m.req)];
    return lock && req !== undefined ? { t: 'granted', name: lock, req } : undefined;
  },
  busy: (m) => {
    const [lock, req] = [name(m.name), number(m.req)];
    return lock && req !== undefined ? { t: 'busy', name: lock, req } : undefined;
  },
  serve: (m) => {
    const served = name(m.name);
    return served ? { t: 'serve', name: served } : undefined;
  },
  unserve: (m) => {
    const served = name(m.name);
    return served ? { t: 'unserve', name: served } : undefined;
  },
  req: (m) => {
    const [asked, req] = [name(m.name), number(m.req)];
    return asked && req !== undefined ? { t: 'req', name: asked, req, payload: m.payload } : undefined;
  },
  call: (m) => {
    const [asked, id] = [name(m.name), number(m.id)];
    return asked && id !== undefined ? { t: 'call', id, name: asked, payload: m.payload } : undefined;
  },
  reply: (m) => {
    const id = number(m.id);
    return id !== undefined ? { t: 'reply', id, ok: m.ok === true, value: m.value, error: text(m.error) } : undefined;
  },
  answer: (m) => {
    const req = number(m.req);
    return req !== undefined ? { t: 'answer', req, ok: m.ok === true, value: m.value, ...(m.code === 'noServer' ? { code: 'noServer' } : {}), error: text(m.error) } : undefined;
  },
};

/** The message `value` is, or undefined when it is none of ours (of no kind we know, or without what its kind needs). */
export function readMessage(value: unknown): Message | undefined {
  if (!isObject(value) || typeof value.t !== 'string' || !Object.hasOwn(READERS, value.t)) return undefined;
  const read = READERS[value.t as Message['t']] as (m: Fields) => Message | undefined;
  return read(value);
}

/** Calls `onMessage` for each message `socket` sends, in order; anything that is not one of ours ends the connection. */
export function readMessages(socket: net.Socket, onMessage: (message: Message) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      let message: Message | undefined;
      try {
        message = readMessage(JSON.parse(line));
      } catch {
        message = undefined;
      }
      if (!message) {
        socket.destroy();
        return;
      }
      onMessage(message);
      if (socket.destroyed) return;
    }
    if (buffer.length > MAX_MESSAGE_BYTES) socket.destroy();
  });
}

export function send(socket: net.Socket, message: Message): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(message)}\n`);
}

/** Why an answer carries no value (undefined when it carries one, in `value`). */
export function callError(answer: Answer): CallError | undefined {
  return answer.ok ? undefined : new CallError(answer.code ?? 'failed', answer.error ?? 'The call failed.');
}

/** Who is connected to the hub: a window (it takes part in everything), or a client that only asks. */
export interface Peer {
  readonly socket: net.Socket;
  /** Its hello's proof held: it knows the key. */
  welcomed: boolean;
  /** A window that has said what it holds and retains (once). */
  joined: boolean;
  /** A client only asks: it hears no broadcast and is given no retained value. */
  client: boolean;
}

export function tell(peer: Peer, message: Message): void {
  send(peer.socket, message);
}

/** A connection to `address`, or undefined when nobody listens there. */
export function connectTo(address: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    const fail = () => resolve(undefined);
    socket.once('connect', () => {
      socket.off('error', fail);
      resolve(socket);
    });
    socket.once('error', fail);
  });
}

/** A fresh nonce for one handshake. */
export function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

function hmac(key: string, ...parts: readonly string[]): string {
  const mac = createHmac('sha256', key);
  // Each part's length first: no two different lists of parts read as the same bytes.
  for (const part of parts) mac.update(`${Buffer.byteLength(part)}:${part};`);
  return mac.digest('base64url');
}

/** What an asker sends in its hello: proof that it knows the key, for this address and nonce. */
export function helloProof(key: string, address: string, nonce: string): string {
  return hmac(key, 'claude-bedrock hello', address, nonce);
}

/** What the hub answers: proof that it knows the key too, for the asker's nonce and its own. */
export function welcomeProof(key: string, address: string, askerNonce: string, hubNonce: string): string {
  return hmac(key, 'claude-bedrock welcome', address, askerNonce, hubNonce);
}

/** Compares a proof received with the one expected, in constant time. */
export function proofHolds(received: string, expected: string): boolean {
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
