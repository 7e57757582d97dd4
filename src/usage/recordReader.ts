// Finds Claude Code's session records on this machine and reads them into a Tally: a first full
// read that yields to the event loop every few milliseconds, then only what is appended, as it is
// appended. Node only (no VS Code).
//
// Per file it keeps the offset read to and the unfinished last line (a half-written line waits for
// its end). A file that shrank or was replaced is read again from the start (the tally counts each
// answer once, so nothing is counted twice); a deleted file's figures stay (its usage happened).
// Only lines that hold a record marker (records.ts) are decoded and parsed: the rest are prompts,
// tool results and attachments, by far most of the bytes.
//
// Watching: one non-recursive fs.watch per folder (projects/, each project, each subagents/
// folder) and on each config folder for a projects/ that appears later, plus a slow rescan.
// Node 20's recursive fs.watch on Linux puts a stat poller on every file (measured: 2,000 files
// gave 2,051 handles and 7% of a core), which thousands of session files make too costly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tally } from './localFigures';
import { parseLine, RECORD_MARKERS, type ParsedLine } from './records';

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

export interface ReaderState {
  /** The folders that exist. */
  readonly folders: readonly string[];
  readonly files: number;
  readonly sessions: number;
  readonly linesRead: number;
  /** Unreadable lines. */
  readonly skipped: number;
  readonly versions: readonly string[];
  readonly newest: number | undefined;
  readonly firstReadDone: boolean;
  readonly firstReadMs: number | undefined;
}

export interface RecordReaderOptions {
  readonly folders: readonly string[];
  readonly tally: Tally;
  /** Longest run before yielding, default 20 ms. */
  readonly sliceMs?: number;
  /** Fallback rescan, default 30 s. */
  readonly pollMs?: number;
}

interface FileState {
  offset: number;
  inode: number;
  /** The bytes after the last newline read: a line not finished yet. */
  rest: Buffer;
  /** The last bytes read, checked again before reading on: a file rewritten in place differs there. */
  tail: Buffer;
  /** The modification time at the last read. */
  mtimeMs: number;
}

const CHUNK_BYTES = 1 << 20;
const TAIL_BYTES = 64;
/** Files read whole, ahead of the one being counted, during a scan (the disk works while we count). */
const READ_AHEAD = 4;
/** Larger files are read in chunks instead. */
const WHOLE_FILE_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** Change events closer than this are handled together. */
const COALESCE_MS = 100;
const MARKER_BYTES = RECORD_MARKERS.map((marker) => Buffer.from(marker));
const MESSAGE_ID = Buffer.from('"message":{"id":"');
const REQUEST_ID = Buffer.from('"requestId":"');
const QUOTE = 0x22;
/** Versions listed in the state, at most. */
const VERSIONS_KEPT = 20;

function isRecordFile(name: string): boolean {
  return name.endsWith('.jsonl');
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface WholeFile {
  readonly bytes: Buffer;
  readonly inode: number;
  readonly mtimeMs: number;
}

/** A file's bytes and identity, when it is small enough to read at once. */
async function loadWhole(file: string): Promise<WholeFile | undefined> {
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
function answerSignature(line: Buffer): string | undefined {
  const message = line.indexOf(MESSAGE_ID);
  const request = line.lastIndexOf(REQUEST_ID);
  if (message < 0 || request < 0) return undefined;
  const messageEnd = line.indexOf(QUOTE, message + MESSAGE_ID.length);
  const requestEnd = line.indexOf(QUOTE, request + REQUEST_ID.length);
  if (messageEnd < 0 || requestEnd < 0) return undefined;
  return `${line.toString('latin1', message + MESSAGE_ID.length, messageEnd)}:${line.toString('latin1', request + REQUEST_ID.length, requestEnd)}`;
}

export class RecordReader {
  private readonly tally: Tally;
  private readonly sliceMs: number;
  private readonly pollMs: number;
  private readonly folders: readonly string[];
  private readonly files = new Map<string, FileState>();
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private readonly listeners = new Set<() => void>();
  private readonly dirty = new Set<string>();
  /** Folders that appeared below a watched one, to list and read. */
  private readonly newFolders = new Set<string>();
  /** One read buffer: files are read one at a time. */
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly versions = new Set<string>();
  /** The message and request IDs of the last answer record read in this file, and what it said. */
  private lastAnswer: { signature: string; parsed: ParsedLine } | undefined;
  private readonly sessionIds = new Set<string>();
  private existing: string[] = [];
  private newest: number | undefined;
  private linesRead = 0;
  private skipped = 0;
  private firstReadDone = false;
  private firstReadMs: number | undefined;
  private sliceStart = 0;
  private running: Promise<void> | undefined;
  private rescanAll = false;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(options: RecordReaderOptions) {
    this.folders = options.folders;
    this.tally = options.tally;
    this.sliceMs = options.sliceMs ?? 20;
    this.pollMs = options.pollMs ?? 30_000;
  }

  get state(): ReaderState {
    return {
      folders: this.existing,
      files: this.files.size,
      sessions: this.sessionIds.size,
      linesRead: this.linesRead,
      skipped: this.skipped,
      versions: [...this.versions].slice(-VERSIONS_KEPT),
      newest: this.newest,
      firstReadDone: this.firstReadDone,
      firstReadMs: this.firstReadMs,
    };
  }

  /** Resolves when the first full read is done. */
  async start(): Promise<void> {
    const started = performance.now();
    this.sliceStart = started;
    this.watchConfigFolders();
    await this.scanAndRead();
    this.firstReadDone = true;
    this.firstReadMs = Math.round(performance.now() - started);
    this.poll = setInterval(() => this.schedule(true), this.pollMs);
    this.poll.unref?.();
    this.notify();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.disposed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    if (this.timer) clearTimeout(this.timer);
    if (this.poll) clearInterval(this.poll);
    this.listeners.clear();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /** Handles changes after a short wait, so a burst of events is one read and one notification. */
  private schedule(rescan: boolean, file?: string, folder?: string): void {
    if (this.disposed || !this.firstReadDone) return;
    if (rescan) this.rescanAll = true;
    if (file) this.dirty.add(file);
    if (folder) this.newFolders.add(folder);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.catchUp();
    }, COALESCE_MS);
  }

  private async catchUp(): Promise<void> {
    if (this.running) {
      await this.running;
      if (this.dirty.size > 0 || this.newFolders.size > 0 || this.rescanAll) this.schedule(false);
      return;
    }
    const linesBefore = this.linesRead;
    const countedBefore = this.tally.counted;
    this.running = (async () => {
      if (this.rescanAll) {
        this.rescanAll = false;
        this.dirty.clear();
        this.newFolders.clear();
        await this.scanAndRead();
        return;
      }
      const folders = [...this.newFolders];
      this.newFolders.clear();
      for (const folder of folders) for (const file of (await this.listFolder(folder)) ?? []) this.dirty.add(file);
      const files = [...this.dirty];
      this.dirty.clear();
      for (const file of files) await this.readFile(file);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.linesRead !== linesBefore || this.tally.counted !== countedBefore) this.notify();
  }

  private watchConfigFolders(): void {
    for (const folder of this.folders) this.watch(path.dirname(folder), (name) => name === path.basename(folder) && this.schedule(true));
  }

  private watch(folder: string, onEvent: (name: string) => void): void {
    if (this.disposed || this.watchers.has(folder)) return;
    try {
      const watcher = fs.watch(folder, { persistent: false }, (_event, name) => onEvent(name ? String(name) : ''));
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(folder);
      });
      this.watchers.set(folder, watcher);
    } catch {
      // The folder does not exist (yet): the rescan finds it.
    }
  }

  /** A folder below projects/: a file event reads that file, another name is listed as a folder, no name rescans. */
  private watchRecordFolder(folder: string): void {
    this.watch(folder, (name) => {
      if (name && isRecordFile(name)) this.schedule(false, path.join(folder, name));
      else if (name) this.schedule(false, undefined, path.join(folder, name));
      else this.schedule(true);
    });
  }

  private async scanAndRead(): Promise<void> {
    const existing: string[] = [];
    const files: string[] = [];
    for (const folder of this.folders) {
      const found = await this.listFolder(folder);
      if (found === undefined) continue;
      existing.push(folder);
      files.push(...found);
    }
    this.existing = existing;
    await this.readFiles(files);
  }

  /** Reads files in order; the ones not read before are loaded whole a few ahead. */
  private async readFiles(files: readonly string[]): Promise<void> {
    const loads = new Map<number, Promise<WholeFile | undefined>>();
    const loadAhead = (index: number) => {
      for (let i = index; i < Math.min(files.length, index + READ_AHEAD); i++) {
        if (!loads.has(i) && !this.files.has(files[i])) loads.set(i, loadWhole(files[i]));
      }
    };
    for (let i = 0; i < files.length && !this.disposed; i++) {
      loadAhead(i);
      const whole = await loads.get(i);
      loads.delete(i);
      if (whole && !this.files.has(files[i])) await this.countWhole(files[i], whole);
      else await this.readFile(files[i]);
    }
  }

  private async countWhole(file: string, whole: WholeFile): Promise<void> {
    const state: FileState = { offset: whole.bytes.length, inode: whole.inode, rest: Buffer.alloc(0), tail: Buffer.from(whole.bytes.subarray(Math.max(0, whole.bytes.length - TAIL_BYTES))), mtimeMs: whole.mtimeMs };
    this.files.set(file, state);
    this.lastAnswer = undefined;
    await this.readBytes(state, whole.bytes);
    this.finishLastLine(state);
  }

  /** Every *.jsonl below the folder, watching each folder on the way; undefined when it does not exist. */
  private async listFolder(root: string): Promise<string[] | undefined> {
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
      this.watchRecordFolder(folder);
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) pending.push(full);
        else if (entry.isFile() && isRecordFile(entry.name)) files.push(full);
      }
    }
    return files.sort();
  }

  /** Whether the file is as last read (a rescan then leaves it unopened). */
  private async unchanged(file: string): Promise<boolean> {
    const state = this.files.get(file);
    if (!state) return false;
    try {
      const stat = await fs.promises.stat(file);
      return stat.ino === state.inode && stat.size === state.offset && stat.mtimeMs === state.mtimeMs;
    } catch {
      return true; // Deleted: its figures stay.
    }
  }

  private async readFile(file: string): Promise<void> {
    if (await this.unchanged(file)) return;
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch {
      return; // Deleted: its figures stay.
    }
    try {
      const stat = await handle.stat();
      let state = this.files.get(file);
      if (!state || stat.ino !== state.inode || stat.size < state.offset || !(await this.sameTail(handle, state))) {
        state = { offset: 0, inode: stat.ino, rest: Buffer.alloc(0), tail: Buffer.alloc(0), mtimeMs: stat.mtimeMs };
        this.files.set(file, state);
      }
      state.mtimeMs = stat.mtimeMs;
      const buffer = this.buffer;
      this.lastAnswer = undefined;
      while (state.offset < stat.size && !this.disposed) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, stat.size - state.offset), state.offset);
        if (bytesRead <= 0) break;
        state.offset += bytesRead;
        state.tail = Buffer.from(buffer.subarray(Math.max(0, bytesRead - TAIL_BYTES), bytesRead));
        await this.readBytes(state, buffer.subarray(0, bytesRead));
      }
      this.finishLastLine(state);
    } catch {
      // Unreadable now (permissions, a race with a delete): the next event or rescan retries.
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Whether the bytes before the offset are still the ones read there (a truncated and rewritten file's are not). */
  private async sameTail(handle: fs.promises.FileHandle, state: FileState): Promise<boolean> {
    if (state.tail.length === 0) return true;
    const check = Buffer.alloc(state.tail.length);
    const { bytesRead } = await handle.read(check, 0, check.length, state.offset - check.length);
    return bytesRead === check.length && check.equals(state.tail);
  }

  /** Splits the bytes into lines, carrying the unfinished end; only marked lines are parsed. */
  private async readBytes(state: FileState, bytes: Buffer): Promise<void> {
    const data = state.rest.length > 0 ? Buffer.concat([state.rest, bytes]) : bytes;
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      state.rest = Buffer.from(data);
      return;
    }
    state.rest = Buffer.from(data.subarray(end + 1));
    const marked = this.markedLines(data, end);
    let lineStart = 0;
    let markedIndex = 0;
    while (lineStart < end) {
      let lineEnd = data.indexOf(NEWLINE, lineStart);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      if (lineEnd > lineStart) {
        while (markedIndex < marked.length && marked[markedIndex] < lineStart) markedIndex++;
        const isMarked = markedIndex < marked.length && marked[markedIndex] < lineEnd;
        this.readLine(data, lineStart, lineEnd, isMarked);
        if (performance.now() - this.sliceStart > this.sliceMs) {
          await yieldToEventLoop();
          this.sliceStart = performance.now();
        }
      }
      lineStart = lineEnd + 1;
    }
  }

  /** Where the record markers are in data[0, end), sorted. */
  private markedLines(data: Buffer, end: number): number[] {
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

  private readLine(data: Buffer, start: number, end: number, marked: boolean): void {
    let last = end - 1;
    while (last > start && (data[last] === 0x0d || data[last] === 0x20)) last--;
    this.linesRead++;
    if (!marked) {
      if (data[start] !== OPEN_BRACE || data[last] !== CLOSE_BRACE) this.skipped++;
      return;
    }
    const signature = answerSignature(data.subarray(start, last + 1));
    if (signature !== undefined && this.lastAnswer?.signature === signature) {
      // The next content block of the answer just read: the same usage, counted once by the tally.
      this.tally.add(this.lastAnswer.parsed);
      return;
    }
    const parsed = this.countLine(data.toString('utf8', start, last + 1));
    this.lastAnswer = signature !== undefined && parsed.kind === 'usage' ? { signature, parsed } : undefined;
  }

  private countLine(line: string): ParsedLine {
    const parsed = parseLine(line);
    if (parsed.kind === 'unreadable') this.skipped++;
    else if (parsed.kind === 'usage') {
      this.sessionIds.add(parsed.usage.sessionId);
      if (this.newest === undefined || parsed.usage.at > this.newest) this.newest = parsed.usage.at;
      if (parsed.usage.version && !this.versions.has(parsed.usage.version)) this.versions.add(parsed.usage.version);
    }
    this.tally.add(parsed);
    return parsed;
  }

  /** A last line without its newline is counted when it is already whole JSON (a record written without one). */
  private finishLastLine(state: FileState): void {
    if (state.rest.length === 0) return;
    const line = state.rest.toString('utf8').trim();
    if (!line.endsWith('}') || !RECORD_MARKERS.some((marker) => line.includes(marker))) return;
    const parsed = parseLine(line);
    if (parsed.kind === 'unreadable') return; // Not finished yet: wait for more bytes.
    state.rest = Buffer.alloc(0);
    this.linesRead++;
    this.countLine(line);
  }
}
