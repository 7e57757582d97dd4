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
import { CHUNK_BYTES, isRecordFile, listRecordFiles, loadWhole, sameTail, TAIL_BYTES, type FileState, type WholeFile } from './recordFiles';
import { RecordLines } from './recordLines';

export { recordFolders } from './recordFiles';

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

/** Files read whole, ahead of the one being counted, during a scan (the disk works while we count). */
const READ_AHEAD = 4;
/** Change events closer than this are handled together. */
const COALESCE_MS = 100;
/** Versions listed in the state, at most. */
const VERSIONS_KEPT = 20;

export class RecordReader {
  private readonly tally: Tally;
  private readonly lines: RecordLines;
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
  private existing: string[] = [];
  private firstReadDone = false;
  private firstReadMs: number | undefined;
  private running: Promise<void> | undefined;
  private rescanAll = false;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(options: RecordReaderOptions) {
    this.folders = options.folders;
    this.tally = options.tally;
    this.lines = new RecordLines(options.tally, options.sliceMs ?? 20);
    this.pollMs = options.pollMs ?? 30_000;
  }

  get state(): ReaderState {
    return {
      folders: this.existing,
      files: this.files.size,
      sessions: this.lines.sessionIds.size,
      linesRead: this.lines.linesRead,
      skipped: this.lines.skipped,
      versions: [...this.lines.versions].slice(-VERSIONS_KEPT),
      newest: this.lines.newest,
      firstReadDone: this.firstReadDone,
      firstReadMs: this.firstReadMs,
    };
  }

  /** Resolves when the first full read is done. */
  async start(): Promise<void> {
    const started = performance.now();
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
    const linesBefore = this.lines.linesRead;
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
      for (const folder of folders) for (const file of (await listRecordFiles(folder, (found) => this.watchRecordFolder(found))) ?? []) this.dirty.add(file);
      const files = [...this.dirty];
      this.dirty.clear();
      for (const file of files) await this.readFile(file);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.lines.linesRead !== linesBefore || this.tally.counted !== countedBefore) this.notify();
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
      const found = await listRecordFiles(folder, (found) => this.watchRecordFolder(found));
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
    this.lines.newFile();
    await this.lines.readBytes(state, whole.bytes);
    this.lines.finishLastLine(state);
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
      if (!state || stat.ino !== state.inode || stat.size < state.offset || !(await sameTail(handle, state))) {
        state = { offset: 0, inode: stat.ino, rest: Buffer.alloc(0), tail: Buffer.alloc(0), mtimeMs: stat.mtimeMs };
        this.files.set(file, state);
      }
      state.mtimeMs = stat.mtimeMs;
      const buffer = this.buffer;
      this.lines.newFile();
      while (state.offset < stat.size && !this.disposed) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, stat.size - state.offset), state.offset);
        if (bytesRead <= 0) break;
        state.offset += bytesRead;
        state.tail = Buffer.from(buffer.subarray(Math.max(0, bytesRead - TAIL_BYTES), bytesRead));
        await this.lines.readBytes(state, buffer.subarray(0, bytesRead));
      }
      this.lines.finishLastLine(state);
    } catch {
      // Unreadable now (permissions, a race with a delete): the next event or rescan retries.
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}
