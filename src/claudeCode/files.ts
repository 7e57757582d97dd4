// Reading and writing the user's files that Claude Code and the AWS CLI read. Writes go into the
// file itself (a symbolic link stays one, the file keeps its mode); a file that cannot be written
// is reported, not worked around.
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The file's text, or undefined when there is none. */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Why `file` cannot be written, in words, or undefined when it can. */
export async function cannotWrite(file: string): Promise<string | undefined> {
  const exists = await fs.stat(file).then(() => true, () => false);
  const target = exists ? file : path.dirname(file);
  const parentExists = exists || (await fs.stat(target).then(() => true, () => false));
  if (!parentExists) return undefined;
  try {
    await fs.access(target, constants.W_OK);
    return undefined;
  } catch (error) {
    return `it cannot be written (${(error as NodeJS.ErrnoException).code ?? 'no access'})`;
  }
}

/** Writes `text` (null: removes the file, and its folder if that was left empty). */
export async function writeText(file: string, text: string | null): Promise<void> {
  if (text === null) {
    await fs.rm(file, { force: true });
    await fs.rmdir(path.dirname(file)).catch(() => undefined);
    return;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}
