// Finds and reads Claude Code's session records on this machine into a Tally (localFigures.ts):
// every *.jsonl below each projects/ folder, first all of them, then what is appended, as it is
// appended. Node only, no vscode.
//
// - The first read of a large history (a gigabyte is not unusual) runs in slices of a few
//   milliseconds, yielding between them, so the extension host is never held up for long.
// - Each file is read from where the last read stopped; a line still being written (no newline
//   yet) waits for the rest. A file that shrank or was replaced is read again from the start
//   (each answer still counts once). A deleted file's usage stays counted: it happened.
// - Changes are found by watching the folders, and by a slow rescan besides (a watch can miss
//   events, and a projects/ folder may appear later).
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { Tally } from './localFigures';
import { parseLine } from './records';

export { recordFolders } from './recordFolders';

export interface ReaderState {
  /** The folders that exist. */
  readonly folders: readonly string[];
  readonly files: number;
  readonly sessions: number;
  readonly linesRead: number;
  /** Lines that could not be understood. */
  readonly skipped: number;
  readonly versions: readonly string[];
  readonly newest: number | undefined;
  readonly firstReadDone: boolean;
  readonly firstReadMs: number | undefined;
}

export interface RecordReaderOptions {
  readonly folders: readonly string[];
  readonly tally: Tally;
  /** The longest run before yielding to the event loop, in ms. */
  readonly sliceMs?: number;
  /** The rescan besides the watch, in ms. */
  readonly pollMs?: number;
}

interface FileState {
  offset: number;
  /** The start of a line not finished yet. */
  pending: string;
  ino: number;
  /** When it was last changed, as last read: a change that leaves the size as it was is a rewrite. */
  mtimeMs: number;
}

const CHUNK = 1024 * 1024;
const COALESCE_MS = 100;
const WATCH_SETTLE_MS = 30;
const MAX_VERSIONS = 8;

export class RecordReader {
  private readonly files = new Map<string, FileState>();
  private readonly dirty = new Set<string>();
  private readonly sessionIds = new Set<string>();
  private readonly versions = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly watchers = new Map<string, FSWatcher>();
  private existing: string[] = [];
  private linesRead = 0;
  private skipped = 0;
  private newest: number | undefined;
  private firstReadMs: number | undefined;
  private pumping: Promise<void> | undefined;
  private sliceStart = 0;
  private notifyTimer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: RecordReaderOptions) {}

  get state(): ReaderState {
    return {
      folders: this.existing,
      files: this.files.size,
      sessions: this.sessionIds.size,
      linesRead: this.linesRead,
      skipped: this.skipped,
      versions: [...this.versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).slice(-MAX_VERSIONS),
      newest: this.newest,
      firstReadDone: this.firstReadMs !== undefined,
      firstReadMs: this.firstReadMs,
    };
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Reads every record there is; resolves when done. Watching starts at once. */
  async start(): Promise<void> {
    const started = performance.now();
    await this.rescan();
    this.firstReadMs = Math.round(performance.now() - started);
    this.notifyNow();
    this.schedulePoll();
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    clearTimeout(this.notifyTimer);
    clearTimeout(this.settleTimer);
    clearTimeout(this.pollTimer);
    this.listeners.clear();
  }

  private schedulePoll(): void {
    if (this.disposed) return;
    this.pollTimer = setTimeout(() => void this.rescan().finally(() => this.schedulePoll()), this.options.pollMs ?? 30_000);
    this.pollTimer.unref?.();
  }

  /** Finds every record file (and watches each folder that exists), then reads what is new. */
  private async rescan(): Promise<void> {
    const existing: string[] = [];
    for (const folder of this.options.folders) {
      const found = await this.listFiles(folder);
      if (!found) {
        this.watchParent(folder);
        continue;
      }
      existing.push(folder);
      this.watchFolder(folder);
      for (const file of found) this.dirty.add(file);
    }
    this.existing = existing;
    await this.pump();
  }

  /** Every *.jsonl below `folder`; undefined when the folder does not exist. */
  private async listFiles(folder: string): Promise<string[] | undefined> {
    const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true }).catch(() => undefined);
    if (!entries) return undefined;
    return entries.filter((e) => e.isFile() && e.name.endsWith('.jsonl')).map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }

  private watchFolder(folder: string): void {
    if (this.watchers.has(folder) || this.disposed) return;
    try {
      const watcher = watch(folder, { recursive: true }, (_event, name) => {
        if (!name || !String(name).endsWith('.jsonl')) return;
        this.dirty.add(path.join(folder, String(name)));
        this.settle();
      });
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(folder);
      });
      this.watchers.set(folder, watcher);
    } catch {
      // No watch here (too many watches, say): the rescan still finds new records.
    }
  }

  /** A projects/ folder that does not exist yet: its config folder is watched for it to appear. */
  private watchParent(folder: string): void {
    const parent = path.dirname(folder);
    if (this.watchers.has(parent) || this.disposed) return;
    try {
      const watcher = watch(parent, (_event, name) => {
        if (String(name) !== path.basename(folder)) return;
        watcher.close();
        this.watchers.delete(parent);
        void this.rescan();
      });
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(parent);
      });
      this.watchers.set(parent, watcher);
    } catch {
      // No config folder either: the rescan looks again.
    }
  }

  /** Several events for one write come together: read once they settle. */
  private settle(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => void this.pump(), WATCH_SETTLE_MS);
  }

  /** Reads the files marked dirty, one at a time, until none is left. */
  private pump(): Promise<void> {
    if (this.pumping) return this.pumping.then(() => (this.dirty.size > 0 ? this.pump() : undefined));
    this.pumping = (async () => {
      this.sliceStart = performance.now();
      while (this.dirty.size > 0 && !this.disposed) {
        const [file] = this.dirty;
        this.dirty.delete(file);
        const added = await this.readFile(file).catch(() => 0);
        if (added > 0 && this.firstReadMs !== undefined) this.notifySoon();
      }
    })().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  /** Reads what is new in `file`; how many lines it added. */
  private async readFile(file: string): Promise<number> {
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat) {
      // Deleted: its usage stays counted.
      this.files.delete(file);
      return 0;
    }
    let state = this.files.get(file);
    const rewritten = state !== undefined && stat.size === state.offset && stat.mtimeMs !== state.mtimeMs;
    if (!state || stat.ino !== state.ino || stat.size < state.offset || rewritten) {
      state = { offset: 0, pending: '', ino: stat.ino, mtimeMs: stat.mtimeMs };
      this.files.set(file, state);
    }
    state.mtimeMs = stat.mtimeMs;
    if (stat.size === state.offset) return 0;
    const handle = await fs.open(file, 'r');
    let lines = 0;
    try {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, stat.size - state.offset)));
      while (state.offset < stat.size && !this.disposed) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, stat.size - state.offset), state.offset);
        if (bytesRead === 0) break;
        // Only whole UTF-8 characters: a chunk may end inside one, which the next chunk finishes.
        let end = bytesRead;
        const lastNewline = buffer.lastIndexOf(10, bytesRead - 1);
        if (lastNewline >= 0) end = lastNewline + 1;
        else if (state.offset + bytesRead < stat.size) end = bytesRead - trailingPartial(buffer, bytesRead);
        const text = state.pending + buffer.toString('utf8', 0, end);
        state.offset += end;
        const parts = text.split('\n');
        state.pending = parts.pop() ?? '';
        lines += await this.take(parts);
      }
    } finally {
      await handle.close();
    }
    return lines;
  }

  /** Counts whole lines into the tally, yielding whenever a slice's time is up. */
  private async take(lines: string[]): Promise<number> {
    const sliceMs = this.options.sliceMs ?? 20;
    let taken = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.length === 0) continue;
      const parsed = parseLine(line);
      this.linesRead++;
      taken++;
      if (parsed.kind === 'unreadable') this.skipped++;
      else if (parsed.kind === 'usage') {
        const { usage } = parsed;
        this.sessionIds.add(usage.sessionId);
        if (usage.version) this.versions.add(usage.version);
        this.newest = Math.max(this.newest ?? usage.at, usage.at);
      }
      this.options.tally.add(parsed);
      if ((i & 31) === 31 && performance.now() - this.sliceStart > sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        this.sliceStart = performance.now();
      }
    }
    return taken;
  }

  private notifySoon(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => this.notifyNow(), COALESCE_MS);
  }

  private notifyNow(): void {
    clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    for (const listener of [...this.listeners]) listener();
  }
}

/** How many bytes at the end of `buffer` start a UTF-8 character the buffer does not finish. */
function trailingPartial(buffer: Buffer, length: number): number {
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = buffer[length - back];
    if ((byte & 0xc0) !== 0x80) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return needed > back ? back : 0;
    }
  }
  return 0;
}
