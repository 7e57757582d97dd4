// Where Claude Code's session records are and how their bytes are read: the folders, the files
// below them, a file read whole, the marks that say which lines can be usage, and whether a file
// was rewritten in place. Node only; used by recordReader.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RECORD_MARKERS } from './records';

/** The projects/ folders to read, in order, whether or not they exist. */
export function recordFolders(env: Record<string, string | undefined>, home: string): string[] {
  const configured = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => (entry === '~' ? home : entry.startsWith('~/') ? path.join(home, entry.slice(2)) : entry));
  const configs = configured.length > 0 ? configured : [path.join(home, '.claude'), path.join(home, '.config', 'claude')];
  return [...new Set(configs.map((config) => path.resolve(config, 'projects')))];
}

export interface FileState {
  offset: number;
  inode: number;
  /** The bytes after the last newline read: a line not finished yet. */
  rest: Buffer;
  /** The last bytes read, checked again before reading on: a file rewritten in place differs there. */
  tail: Buffer;
  /** The modification time at the last read. */
  mtimeMs: number;
}

export const CHUNK_BYTES = 1 << 20;
export const TAIL_BYTES = 64;
/** Larger files are read in chunks instead. */
export const WHOLE_FILE_BYTES = 1 << 20;
export const NEWLINE = 0x0a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const MARKER_BYTES = RECORD_MARKERS.map((marker) => Buffer.from(marker));
export const MESSAGE_ID = Buffer.from('"message":{"id":"');
export const REQUEST_ID = Buffer.from('"requestId":"');
export const QUOTE = 0x22;

export function isRecordFile(name: string): boolean {
  return name.endsWith('.jsonl');
}

export interface WholeFile {
  readonly bytes: Buffer;
  readonly inode: number;
  readonly mtimeMs: number;
}

/** A file's bytes and identity, when it is small enough to read at once. */
export async function loadWhole(file: string): Promise<WholeFile | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const stat = await handle.stat();
    if (stat.size > WHOLE_FILE_BYTES) return undefined;
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const { bytesRead } = await handle.read(bytes, read, stat.size - read, read);
      if (bytesRead <= 0) break;
      read += bytesRead;
    }
    return { bytes: bytes.subarray(0, read), inode: stat.ino, mtimeMs: stat.mtimeMs };
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * message.id and the top-level requestId of an assistant line, from its bytes, without parsing it:
 * Claude Code writes each content block of an answer as its own line, one after the other, and
 * the lines after the first need no parse. Undefined when either is not found.
 */
export function answerSignature(line: Buffer): string | undefined {
  const message = line.indexOf(MESSAGE_ID);
  const request = line.lastIndexOf(REQUEST_ID);
  if (message < 0 || request < 0) return undefined;
  const messageEnd = line.indexOf(QUOTE, message + MESSAGE_ID.length);
  const requestEnd = line.indexOf(QUOTE, request + REQUEST_ID.length);
  if (messageEnd < 0 || requestEnd < 0) return undefined;
  return `${line.toString('latin1', message + MESSAGE_ID.length, messageEnd)}:${line.toString('latin1', request + REQUEST_ID.length, requestEnd)}`;
}

/** Every *.jsonl below the folder, watching each folder on the way; undefined when it does not exist. */
export async function listRecordFiles(root: string, onFolder: (folder: string) => void): Promise<string[] | undefined> {
  const files: string[] = [];
  const pending = [root];
  let first = true;
  while (pending.length > 0) {
    const folder = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(folder, { withFileTypes: true });
    } catch {
      if (first) return undefined;
      continue;
    }
    first = false;
    onFolder(folder);
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() && isRecordFile(entry.name)) files.push(full);
    }
  }
  return files.sort();
}


/** Whether the bytes before the offset are still the ones read there (a truncated and rewritten file's are not). */
export async function sameTail(handle: fs.promises.FileHandle, state: FileState): Promise<boolean> {
  if (state.tail.length === 0) return true;
  const check = Buffer.alloc(state.tail.length);
  const { bytesRead } = await handle.read(check, 0, check.length, state.offset - check.length);
  return bytesRead === check.length && check.equals(state.tail);
}


/** Where the record markers are in data[0, end), sorted. */
export function markedLines(data: Buffer, end: number): number[] {
  const positions: number[] = [];
  for (const marker of MARKER_BYTES) {
    let at = data.indexOf(marker, 0);
    while (at >= 0 && at < end) {
      positions.push(at);
      at = data.indexOf(marker, at + marker.length);
    }
  }
  return positions.length > 1 ? positions.sort((a, b) => a - b) : positions;
}

