// Bounds what a local HTTP server can be made to hold open. Any process on the machine, any
// OS user's included, can connect to a loopback port; each connection is a file descriptor of
// the process that listens, and the extension host shares its descriptors with every other
// extension. Connections that sit idle (connected, no request) cost nothing to open, so a flood
// of them used up the descriptors (EMFILE) and stopped every extension until it ended.
//
// So: at most `max` connections are kept. One that has no request being answered is closed
// `idleMs` after it connected or after its last answer, however slowly it trickles bytes. When
// a new connection would pass the cap, the connection idle the longest makes room for it: a
// client that sends its request at once (every real one) is served during a flood, while the
// flood's sockets last only until newer ones push them out. When every kept connection is
// being answered, the newcomer is the one closed.
import type * as http from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Connections kept open at once. */
  readonly max: number;
  /** How long a connection may wait without a request being answered (before its first, or between keep-alive requests). */
  readonly idleMs: number;
  /** Called when the cap is reached: at most once per `idleMs`, however long the flood. */
  readonly onFull?: (open: number) => void;
}

interface Tracked {
  /** Requests on it being answered now. */
  busy: number;
  timer: NodeJS.Timeout | undefined;
}

export interface ConnectionLimit {
  /** Connections open now. */
  readonly open: number;
}

export function limitConnections(server: http.Server, limits: ConnectionLimits): ConnectionLimit {
  // Oldest activity first: a socket moves to the end when its answer is sent.
  const tracked = new Map<Socket, Tracked>();
  let toldFullAt = -Infinity;

  const idle = (socket: Socket, state: Tracked) => {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => socket.destroy(), limits.idleMs);
    state.timer.unref();
  };

  const makeRoom = (): boolean => {
    for (const [socket, state] of tracked) {
      if (state.busy > 0) continue;
      forget(socket);
      socket.destroy();
      return true;
    }
    return false;
  };

  const forget = (socket: Socket) => {
    const state = tracked.get(socket);
    if (!state) return;
    clearTimeout(state.timer);
    tracked.delete(socket);
  };

  server.keepAliveTimeout = limits.idleMs;
  server.on('connection', (socket: Socket) => {
    if (tracked.size >= limits.max) {
      const now = performance.now();
      if (now - toldFullAt >= limits.idleMs) {
        toldFullAt = now;
        limits.onFull?.(tracked.size);
      }
      if (!makeRoom()) {
        socket.destroy();
        return;
      }
    }
    const state: Tracked = { busy: 0, timer: undefined };
    tracked.set(socket, state);
    idle(socket, state);
    socket.once('close', () => forget(socket));
  });

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    const state = tracked.get(socket);
    if (!state) return;
    state.busy++;
    clearTimeout(state.timer);
    state.timer = undefined;
    res.once('close', () => {
      state.busy--;
      if (state.busy > 0 || !tracked.has(socket)) return;
      tracked.delete(socket);
      tracked.set(socket, state);
      idle(socket, state);
    });
  });

  return {
    get open() {
      return tracked.size;
    },
  };
}
