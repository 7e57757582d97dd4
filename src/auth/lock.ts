// A lock shared by every window of VS Code on this machine: a directory created atomically in
// the extension's global storage (mkdir either creates it or fails with EEXIST). It holds no
// secret, only who took it (process, host) and when. A lock is taken over when it belongs to a
// window whose process has ended on this host, or when it is older than `staleMs`.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Lock {
  /** The lock's directory: its holder may put notes for the others there (never secrets). */
  readonly dir: string;
  release(): Promise<void>;
}

interface Owner {
  readonly pid: number;
  readonly host: string;
}

const OWNER_FILE = 'owner';

/** The directory of the lock `name` under `dir`, whether or not anyone holds it. */
export function lockPath(dir: string, name: string): string {
  return path.join(dir, `${name}.lock`);
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

async function readOwner(lockDir: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await fs.readFile(path.join(lockDir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? { pid: owner.pid, host: owner.host } : undefined;
  } catch {
    return undefined;
  }
}

/** True when the lock's holder is gone: its process ended on this host, or the lock is too old. */
async function abandoned(lockDir: string, staleMs: number): Promise<boolean> {
  const stat = await fs.stat(lockDir).catch(() => undefined);
  if (!stat) return true;
  if (Date.now() - stat.mtimeMs >= staleMs) return true;
  const owner = await readOwner(lockDir);
  // No owner yet: the holder is between mkdir and writing it. Only age can tell then.
  return owner !== undefined && owner.host === os.hostname() && !processAlive(owner.pid);
}

/**
 * Takes the lock `name` under `dir`, or undefined while someone else holds it. `onAbandoned`
 * sees an abandoned lock's directory (moved aside) before it is removed, to clean up after it.
 */
export async function tryLock(
  dir: string,
  name: string,
  staleMs: number,
  onAbandoned?: (abandonedDir: string) => Promise<void>,
): Promise<Lock | undefined> {
  const lockDir = lockPath(dir, name);
  await fs.mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Only this user may enter: a holder may keep a socket here (handoff.ts).
      await fs.mkdir(lockDir, { mode: 0o700 });
      const owner: Owner = { pid: process.pid, host: os.hostname() };
      await fs.writeFile(path.join(lockDir, OWNER_FILE), `${JSON.stringify({ ...owner, at: new Date().toISOString() })}\n`);
      let released = false;
      return {
        dir: lockDir,
        release: async () => {
          if (released) return;
          released = true;
          await fs.rm(lockDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!(await abandoned(lockDir, staleMs))) return undefined;
      // Moved aside before removal, so of several windows taking over only one removes it.
      const aside = `${lockDir}.${process.pid}.${Date.now()}.abandoned`;
      const moved = await fs.rename(lockDir, aside).then(
        () => true,
        () => false,
      );
      if (moved) {
        await onAbandoned?.(aside).catch(() => undefined);
        await fs.rm(aside, { recursive: true, force: true });
      }
    }
  }
  return undefined;
}
