// Where the windows' hub lives, and which window hosts it.
//
// The hub's folder (`<global storage>/hub`, mode 0700: only this OS user can enter it) is
// created by the window that hosts the hub, atomically (mkdir either creates it or fails). It
// holds who hosts it (`owner`: process, host), the hub's address (`address`: a Unix socket in
// this folder, or in a private temporary folder when that path would be too long for a
// socket, or a named pipe with a random name on Windows) and a random `key` every window must
// present. Nothing else, and never a secret of the session: those only travel over the socket.
// A folder whose host process has ended on this machine, or that is older than a few seconds
// and whose socket answers nobody, is abandoned, and the next window takes it over.
//
// Pure Node: no vscode here.
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const HUB_FOLDER = 'hub';
const OWNER = 'owner';
const ADDRESS = 'address';
const KEY = 'key';
const SOCKET = 's';
/** The longest Unix socket path every platform takes (macOS: 104 bytes with the final NUL). */
const MAX_SOCKET_PATH_BYTES = 103;
export const TEMP_PREFIX = 'claude-bedrock-';
/** A folder this young may belong to a window between creating it and listening. */
const STARTING_MS = 5_000;

/** How to reach the hub, as its host wrote it down. */
export interface HubAddress {
  readonly address: string;
  readonly key: string;
}

/** This window hosts the hub: where to listen, and what to write once it does. */
export interface HubClaim {
  readonly folder: string;
  readonly address: string;
  readonly key: string;
  /** Writes the address and key down, for the other windows. */
  publish(): Promise<void>;
  /** Removes the folder (and a temporary socket folder), even while the process exits. */
  release(): void;
}

interface Owner {
  readonly pid: number;
  readonly host: string;
}

export function hubFolder(storageDir: string): string {
  return path.join(storageDir, HUB_FOLDER);
}

/** The hub's address and key, if a window has written them down. */
export async function readHubAddress(storageDir: string): Promise<HubAddress | undefined> {
  const folder = hubFolder(storageDir);
  try {
    const [address, key] = await Promise.all([fs.readFile(path.join(folder, ADDRESS), 'utf8'), fs.readFile(path.join(folder, KEY), 'utf8')]);
    return address && key ? { address, key } : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(folder: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await fs.readFile(path.join(folder, OWNER), 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host } : undefined;
  } catch {
    return undefined;
  }
}

/** True when something listens at `address`. */
export function answers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when the folder's host is gone: its process ended on this host, or nobody answers at its address. */
async function abandoned(folder: string, now: number): Promise<boolean> {
  const stat = await fs.stat(folder).catch(() => undefined);
  if (!stat) return true;
  const owner = await readOwner(folder);
  if (owner && owner.host === os.hostname() && !processAlive(owner.pid)) return true;
  if (now - stat.mtimeMs < STARTING_MS) return false;
  const address = await fs.readFile(path.join(folder, ADDRESS), 'utf8').catch(() => undefined);
  return !address || !(await answers(address));
}

/** A leader that died may have left its socket's private temporary folder: its note says where. */
async function removeTemporarySocket(folder: string): Promise<void> {
  const address = await fs.readFile(path.join(folder, ADDRESS), 'utf8').catch(() => undefined);
  if (!address) return;
  const socketFolder = path.dirname(address);
  if (path.dirname(socketFolder) === os.tmpdir() && path.basename(socketFolder).startsWith(TEMP_PREFIX)) {
    await fs.rm(socketFolder, { recursive: true, force: true });
  }
}

/**
 * Makes this window the hub's host, or undefined while another window is (or is becoming) it.
 * An abandoned folder is moved aside first, so of several windows taking over only one removes it.
 */
export async function claimHub(storageDir: string): Promise<HubClaim | undefined> {
  const folder = hubFolder(storageDir);
  await fs.mkdir(storageDir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.mkdir(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!(await abandoned(folder, Date.now()))) return undefined;
      const aside = `${folder}.${process.pid}.${randomUUID()}.abandoned`;
      if (await fs.rename(folder, aside).then(() => true, () => false)) {
        await removeTemporarySocket(aside).catch(() => undefined);
        await fs.rm(aside, { recursive: true, force: true });
      }
      continue;
    }
    try {
      return await claimed(folder);
    } catch (error) {
      await fs.rm(folder, { recursive: true, force: true });
      throw error;
    }
  }
  return undefined;
}

async function claimed(folder: string): Promise<HubClaim> {
  await fs.writeFile(path.join(folder, OWNER), `${JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() })}\n`, { mode: 0o600 });
  const key = randomBytes(32).toString('base64url');
  let address: string;
  let socketFolder: string | undefined;
  const inFolder = path.join(folder, SOCKET);
  if (process.platform === 'win32') {
    address = `\\\\.\\pipe\\${TEMP_PREFIX}${randomUUID()}`;
  } else if (Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH_BYTES) {
    address = inFolder;
  } else {
    socketFolder = await fs.mkdtemp(path.join(os.tmpdir(), TEMP_PREFIX));
    address = path.join(socketFolder, SOCKET);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    rmSync(folder, { recursive: true, force: true });
    if (socketFolder) rmSync(socketFolder, { recursive: true, force: true });
  };
  process.once('exit', release);
  return {
    folder,
    address,
    key,
    async publish() {
      // Written beside, then renamed: a reader sees the whole of each file or none of it.
      for (const [name, text] of [
        [KEY, key],
        [ADDRESS, address],
      ] as const) {
        const temp = path.join(folder, `${name}.${process.pid}`);
        await fs.writeFile(temp, text, { mode: 0o600 });
        await fs.rename(temp, path.join(folder, name));
      }
    },
    release,
  };
}
