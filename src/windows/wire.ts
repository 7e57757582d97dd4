// What goes over the windows' channel: one JSON object a line. Pure Node.
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
