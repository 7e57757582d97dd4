// Where the Claude Code CLI is installed. Pure Node: unit-tested without VS Code.
import { promises as fs, constants } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

async function executable(file: string): Promise<boolean> {
  try {
    await fs.access(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Where `claude` is: on PATH, or where its installers put it. Undefined when nowhere. */
export async function findClaude(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const names = process.platform === 'win32' ? ['claude.exe', 'claude.cmd'] : ['claude'];
  const dirs = [
    ...(env.PATH ?? '').split(path.delimiter).filter(Boolean),
    path.join(os.homedir(), '.claude', 'local'),
    path.join(os.homedir(), '.local', 'bin'),
  ];
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (await executable(candidate)) return candidate;
    }
  }
  return undefined;
}

