// Reading and writing the user's files that Claude Code and the AWS CLI read. Writes go into the
// file itself (a symbolic link stays one, the file keeps its mode); a file that cannot be written
// is reported, not worked around.
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileProblem } from '../errors/settingsFile';
import { splitBom } from './jsonEdit';

/** The file's text, or undefined when there is none. */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when `file` is there to open (a link: its target). */
export async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isFile(), () => false);
}

/** Where `file` points when it is a symbolic link (through every link on the way), and whether that exists. */
export async function linkOf(file: string): Promise<{ readonly target: string; readonly exists: boolean } | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat?.isSymbolicLink()) return undefined;
  const real = await fs.realpath(file).catch(() => undefined);
  if (real) return { target: real, exists: true };
  const target = await fs.readlink(file).catch(() => undefined);
  return { target: target === undefined ? file : path.resolve(path.dirname(file), target), exists: false };
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
    return fileProblem(error, 'written');
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

export type SettingsText = { readonly ok: true; readonly text: string | undefined; readonly bom: string } | { readonly ok: false; readonly problem: string; readonly error: unknown };

/** A settings file's text (undefined: there is none) without its byte order mark (`bom`, for the write), or why it cannot be read. */
export async function readSettings(file: string): Promise<SettingsText> {
  try {
    const raw = await readText(file);
    return raw === undefined ? { ok: true, text: undefined, bom: '' } : { ok: true, ...splitBom(raw) };
  } catch (error) {
    return { ok: false, problem: fileProblem(error, 'read'), error };
  }
}

/** Writes a settings file (null: removes it); why that failed, in words, or undefined. */
export async function writeSettings(file: string, text: string | null): Promise<{ readonly problem: string; readonly error: unknown } | undefined> {
  try {
    await writeText(file, text);
    return undefined;
  } catch (error) {
    return { problem: fileProblem(error, 'written'), error };
  }
}
