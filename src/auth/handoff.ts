// One sign-in for every window: when several windows of VS Code sign in at the same moment, one
// of them (the leader, holding the 'signin' lock) runs the IdP flow, and the others (followers)
// wait for it and take the session it ends with. One browser tab opens, and the fixed redirect
// port is listened on once.
//
// The session goes from the leader's memory to each follower's over a local socket: a Unix
// domain socket in the lock's own directory, which only this user can enter (0700), or, when
// that path is too long for a socket, in a fresh private directory under the temporary folder
// (mkdtemp makes it 0700); a named pipe on Windows. Only its address is written down (a note in
// the lock's directory); the secrets never touch a file. Letting go of the lock removes the
// socket with it, and so does the next window that takes over a lock whose holder died.
// Windows of the desktop editor would also see the session through SecretStorage, but the web
// editor keeps SecretStorage apart in each window, so the socket is what makes the handoff work
// everywhere.
//
// Pure Node: no vscode here, unit-tested on its own.
import { randomUUID } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockPath, tryLock, type Lock } from './lock';

/** How the leader's sign-in ended. `session` is checked by the follower before it is used. */
export type Outcome = { readonly kind: 'signedIn'; readonly session: unknown } | { readonly kind: 'ended'; readonly reason: string };

/** What a follower hears: the leader's outcome, or that the leader went away without one. */
export type FollowerResult = Outcome | { readonly kind: 'lost' } | { readonly kind: 'cancelled' };

export interface Leader {
  readonly kind: 'leader';
  /** False when no handoff could be offered (no socket): followers then wait for the lock. */
  readonly shared: boolean;
  /** How many followers have asked for this sign-in's outcome. */
  readonly followers: number;
  /** Tells every follower how the sign-in ended, and late ones too for `graceMs`; then lets go. */
  finish(outcome: Outcome, graceMs: number): void;
  /** Lets go at once (a sign-out): followers not yet told hear that the leader went away. */
  close(): Promise<void>;
}

export interface Follower {
  readonly kind: 'follower';
  readonly result: Promise<FollowerResult>;
  cancel(): void;
}

export interface ClaimOptions {
  /** A sign-in lock older than this is abandoned (the longest a sign-in can take, and some). */
  readonly staleMs: number;
  /** Give up trying to lead or follow after this long (a leader that never offers a handoff). */
  readonly deadlineMs: number;
  /** A follower stops waiting after this long (a leader that is stuck, not gone). */
  readonly followMs: number;
  readonly isCancelled: () => boolean;
}

export const SIGN_IN_LOCK = 'signin';
const ADDRESS_FILE = 'address';
const HELLO = 'outcome?\n';
const MAX_MESSAGE = 1024 * 1024;
const HELLO_TIMEOUT_MS = 5_000;
const POLL_MS = 100;
/** The longest Unix socket path every platform takes (macOS: 104 bytes with the final NUL). */
const MAX_SOCKET_PATH_BYTES = 103;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Becomes the leader of the sign-in, or a follower of the window that already leads one.
 * Undefined when neither worked before the deadline or the caller cancelled.
 */
export async function claimSignIn(dir: string, options: ClaimOptions): Promise<Leader | Follower | undefined> {
  const deadline = Date.now() + options.deadlineMs;
  while (Date.now() < deadline && !options.isCancelled()) {
    const lock = await tryLock(dir, SIGN_IN_LOCK, options.staleMs, removeAbandonedSocket);
    if (lock) return lead(lock);
    const address = await fs.readFile(path.join(lockPath(dir, SIGN_IN_LOCK), ADDRESS_FILE), 'utf8').catch(() => undefined);
    if (address) {
      const socket = await connect(address).catch(() => undefined);
      if (socket) return follow(socket, options.followMs);
    }
    // The leader is between taking the lock and listening, or has just let go.
    await pause(POLL_MS);
  }
  return undefined;
}

const TEMP_PREFIX = 'claude-bedrock-';

/** A leader that died may have left its socket's private temporary folder: its note says where. */
async function removeAbandonedSocket(abandonedLock: string): Promise<void> {
  const address = await fs.readFile(path.join(abandonedLock, ADDRESS_FILE), 'utf8');
  const folder = path.dirname(address);
  if (path.dirname(folder) === os.tmpdir() && path.basename(folder).startsWith(TEMP_PREFIX)) {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

async function lead(lock: Lock): Promise<Leader> {
  let server: HandoffServer | undefined;
  try {
    server = await HandoffServer.listen(lock.dir);
    const note = path.join(lock.dir, `${ADDRESS_FILE}.${process.pid}`);
    await fs.writeFile(note, server.address, { mode: 0o600 });
    await fs.rename(note, path.join(lock.dir, ADDRESS_FILE));
  } catch {
    await server?.close();
    server = undefined;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server?.close();
    await lock.release();
  };
  return {
    kind: 'leader',
    shared: server !== undefined,
    get followers() {
      return server?.followers ?? 0;
    },
    finish(outcome, graceMs) {
      server?.answer(outcome);
      if (!server || graceMs <= 0) {
        void close();
        return;
      }
      setTimeout(() => void close(), graceMs).unref();
    },
    close,
  };
}

function connect(address: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function follow(socket: net.Socket, waitMs: number): Follower {
  let settle: (result: FollowerResult) => void = () => undefined;
  const result = new Promise<FollowerResult>((resolve) => {
    let done = false;
    const timer = setTimeout(() => settle({ kind: 'ended', reason: `the other window did not finish within ${Math.round(waitMs / 1000)} s` }), waitMs);
    settle = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
  });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
    if (received.length > MAX_MESSAGE) return settle({ kind: 'lost' });
    const end = received.indexOf('\n');
    if (end >= 0) settle(parseOutcome(received.slice(0, end)));
  });
  socket.on('error', () => settle({ kind: 'lost' }));
  socket.on('close', () => settle({ kind: 'lost' }));
  socket.write(HELLO);
  return { kind: 'follower', result, cancel: () => settle({ kind: 'cancelled' }) };
}

function parseOutcome(line: string): FollowerResult {
  try {
    const message = JSON.parse(line) as Partial<{ kind: string; session: unknown; reason: unknown }>;
    if (message.kind === 'signedIn' && typeof message.session === 'object' && message.session !== null) {
      return { kind: 'signedIn', session: message.session };
    }
    if (message.kind === 'ended' && typeof message.reason === 'string') return { kind: 'ended', reason: message.reason };
  } catch {
    // Not ours: treated as a leader that went away.
  }
  return { kind: 'lost' };
}

/** The leader's side: holds each follower's connection until the outcome is known. */
class HandoffServer {
  private readonly waiting = new Set<net.Socket>();
  private outcome: string | undefined;
  private count = 0;

  /** Removes the socket's directory even when the process ends without closing this. */
  private readonly removeSocketDir = () => {
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
  };

  private constructor(
    private readonly server: net.Server,
    readonly address: string,
    private readonly socketDir: string | undefined,
  ) {
    server.on('connection', (socket) => this.accept(socket));
    process.once('exit', this.removeSocketDir);
  }

  /** Listens in `lockDir` (a private directory that goes with the lock), or where it must. */
  static async listen(lockDir: string): Promise<HandoffServer> {
    let address: string;
    /** A directory of our own to remove at close, when the socket is not in the lock's. */
    let socketDir: string | undefined;
    const inLock = path.join(lockDir, 's');
    if (process.platform === 'win32') {
      address = `\\\\.\\pipe\\claude-bedrock-signin-${randomUUID()}`;
    } else if (Buffer.byteLength(inLock) <= MAX_SOCKET_PATH_BYTES) {
      address = inLock;
    } else {
      socketDir = await fs.mkdtemp(path.join(os.tmpdir(), TEMP_PREFIX));
      address = path.join(socketDir, 's');
    }
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(address, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      if (socketDir) await fs.rm(socketDir, { recursive: true, force: true });
      throw error;
    }
    return new HandoffServer(server, address, socketDir);
  }

  get followers(): number {
    return this.count;
  }

  answer(outcome: Outcome): void {
    this.outcome = `${JSON.stringify(outcome)}\n`;
    for (const socket of this.waiting) socket.end(this.outcome);
    this.waiting.clear();
  }

  /** Stops at once (the socket's directory is gone before this returns), then waits for the server. */
  close(): Promise<void> {
    for (const socket of this.waiting) socket.destroy();
    this.waiting.clear();
    process.off('exit', this.removeSocketDir);
    this.removeSocketDir();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A follower says hello first; anything else, or silence, ends the connection. */
  private accept(socket: net.Socket): void {
    let received = '';
    socket.setEncoding('utf8');
    socket.setTimeout(HELLO_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.waiting.delete(socket));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length < HELLO.length) {
        if (!HELLO.startsWith(received)) socket.destroy();
        return;
      }
      if (received !== HELLO || this.waiting.has(socket)) {
        socket.destroy();
        return;
      }
      socket.setTimeout(0);
      this.count++;
      if (this.outcome) socket.end(this.outcome);
      else this.waiting.add(socket);
    });
  }
}
