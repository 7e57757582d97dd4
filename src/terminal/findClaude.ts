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


/**
 * The environment an integrated terminal starts with: `base` with the user's
 * `terminal.integrated.env.<platform>` applied (`${env:NAME}` is NAME's value in `base`; null
 * removes the variable), as VS Code applies it.
 */
export function terminalEnvironment(base: NodeJS.ProcessEnv, overrides: unknown): NodeJS.ProcessEnv {
  const env = { ...base };
  if (typeof overrides !== 'object' || overrides === null) return env;
  for (const [name, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (value === null) delete env[name];
    else if (typeof value === 'string') env[name] = value.replace(/\$\{env:([^}]+)\}/g, (_, ref: string) => base[ref] ?? '');
  }
  return env;
}
