// What goes over the windows' channel: one JSON object a line, after a handshake in which each
// side proves it knows the hub's key without sending it. Pure Node.
//
//   asker -> hub   hello    { nonce: a, proof: HMAC(key, "hello", address, a), role }
//   hub -> asker   welcome  { nonce: b, proof: HMAC(key, "welcome", address, a, b), retained }
//   window -> hub  join     { held, retained }   (a window, once it has checked the welcome)
//
// The hub says nothing to an asker whose proof does not hold. The asker believes nothing the hub
// says (and tells it nothing) until the hub's proof holds. Both proofs are bound to the address
// the asker dialled, so a process that answers at a stale address (a named pipe another OS user
// created under a dead hub's name, on Windows) can neither pass them on to the real hub nor
// answer with them. Nothing in a hello is secret: the key itself never travels.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';

/** A longer message (or a line without its end) ends the connection: nobody of ours sends one. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface Message {
  readonly t: string;
  readonly [field: string]: unknown;
}

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { t?: unknown }).t === 'string';
}

/** Calls `onMessage` for each message `socket` sends, in order; anything malformed ends the connection. */
export function readMessages(socket: net.Socket, onMessage: (message: Message) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        message = undefined;
      }
      if (!isMessage(message)) {
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

/** Compares a proof received with the one expected, in constant time; false for anything not a string. */
export function proofHolds(received: unknown, expected: string): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
