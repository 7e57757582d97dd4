// Finds and reads Claude Code's session records on this machine into a Tally (localFigures.ts): every
// *.jsonl below each projects/ folder, first all of them, then what is appended, as it is. Node only.
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
import { answerKey, parseLine } from './records';

export { recordFolders } from './recordFolders';

export interface ReaderState {
  /** The folders that exist. */
  readonly folders: readonly string[];
  readonly files: number;
  readonly sessions: number;
  readonly linesRead: number;
  /** Lines that name an answer or Claude Code's totals but could not be understood. */
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
  pending: Buffer;
  ino: number;
  /** When it was last changed, as last read: a change that leaves the size as it was is a rewrite. */
  mtimeMs: number;
}

const CHUNK = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const ANSWER = Buffer.from('"assistant"');
const TOTALS = Buffer.from('"cost-state"');
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
      state = { offset: 0, pending: EMPTY, ino: stat.ino, mtimeMs: stat.mtimeMs };
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
        state.offset += bytesRead;
        const data = state.pending.length > 0 ? Buffer.concat([state.pending, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
        // Whole lines now; the unfinished last one (a copy: the buffer is read into again) waits for the rest.
        const lastNewline = data.lastIndexOf(10);
        state.pending = Buffer.from(data.subarray(lastNewline + 1));
        if (lastNewline >= 0) lines += await this.take(data.subarray(0, lastNewline + 1));
      }
    } finally {
      await handle.close();
    }
    return lines;
  }

  /**
   * Counts the whole lines in `data` into the tally. Only a line that names an answer or Claude
   * Code's totals is decoded: the search jumps from one to the next over everything else (prompts,
   * tool results, bookkeeping), and a further record of an answer already counted is known by its
   * key without parsing it. Yields whenever a slice's time is up.
   */
  private async take(data: Buffer): Promise<number> {
    const sliceMs = this.options.sliceMs ?? 20;
    let lines = 0;
    for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, at + 1)) lines++;
    this.linesRead += lines;
    let nextAnswer = data.indexOf(ANSWER);
    let nextTotals = data.indexOf(TOTALS);
    let parsed = 0;
    let position = 0;
    while (nextAnswer >= 0 || nextTotals >= 0) {
      const found = nextAnswer < 0 ? nextTotals : nextTotals < 0 ? nextAnswer : Math.min(nextAnswer, nextTotals);
      const start = found === 0 ? 0 : data.lastIndexOf(10, found) + 1;
      const end = data.indexOf(10, found);
      this.count(data.toString('utf8', start, end));
      position = end + 1;
      if (nextAnswer >= 0 && nextAnswer < position) nextAnswer = data.indexOf(ANSWER, position);
      if (nextTotals >= 0 && nextTotals < position) nextTotals = data.indexOf(TOTALS, position);
      if ((++parsed & 15) === 0 && performance.now() - this.sliceStart > sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        this.sliceStart = performance.now();
      }
    }
    return lines;
  }

  /** One line that names an answer or Claude Code's totals, into the tally. */
  private count(line: string): void {
    const key = answerKey(line);
    if (key !== undefined && this.options.tally.alreadyCounted(key)) return;
    const parsed = parseLine(line);
    if (parsed.kind === 'unreadable') this.skipped++;
    else if (parsed.kind === 'usage') {
      const { usage } = parsed;
      this.sessionIds.add(usage.sessionId);
      if (usage.version) this.versions.add(usage.version);
      this.newest = Math.max(this.newest ?? usage.at, usage.at);
    }
    this.options.tally.add(parsed);
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
