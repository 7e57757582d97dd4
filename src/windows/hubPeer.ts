// Who is connected to the hub: a window (it takes part in everything), or a client such as the
// credentials helper (it only asks). Pure Node.
import type * as net from 'node:net';
import { send, type Message } from './wire';

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
