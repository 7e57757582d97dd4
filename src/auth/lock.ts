// A lock shared by every window of VS Code on this machine: a directory created atomically in
// the extension's global storage (mkdir either creates it or fails with EEXIST). It holds no
// secret, only who took it and when. A lock older than `staleMs` belongs to a window that died
// and is taken over.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface Lock {
  release(): Promise<void>;
}

export async function tryLock(dir: string, name: string, staleMs: number): Promise<Lock | undefined> {
  const lockDir = path.join(dir, `${name}.lock`);
  await fs.mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(path.join(lockDir, 'owner'), `${process.pid} ${new Date().toISOString()}\n`);
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await fs.rm(lockDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stat = await fs.stat(lockDir).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs < staleMs) return undefined;
      await fs.rm(lockDir, { recursive: true, force: true });
    }
  }
  return undefined;
}
