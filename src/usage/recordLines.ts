// The lines of Claude Code's session files, from bytes to the tally: split at newlines with the
// unfinished end carried, only lines holding a record marker decoded and parsed, the next content
// blocks of an answer recognised by their IDs, and a yield to the event loop every slice.
import type { Tally } from './localFigures';
import { answerSignature, CLOSE_BRACE, markedLines, NEWLINE, OPEN_BRACE, type FileState } from './recordFiles';
import { parseLine, RECORD_MARKERS, type ParsedLine } from './records';

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class RecordLines {
  readonly versions = new Set<string>();
  readonly sessionIds = new Set<string>();
  newest: number | undefined;
  linesRead = 0;
  /** Unreadable lines. */
  skipped = 0;
  /** The message and request IDs of the last answer record read in this file, and what it said. */
  private lastAnswer: { signature: string; parsed: ParsedLine } | undefined;
  private sliceStart = performance.now();

  constructor(
    private readonly tally: Tally,
    private readonly sliceMs: number,
  ) {}

  /** A new file starts: its first answer is parsed. */
  newFile(): void {
    this.lastAnswer = undefined;
  }

  /** Splits the bytes into lines, carrying the unfinished end; only marked lines are parsed. */
  async readBytes(state: FileState, bytes: Buffer): Promise<void> {
    const data = state.rest.length > 0 ? Buffer.concat([state.rest, bytes]) : bytes;
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      state.rest = Buffer.from(data);
      return;
    }
    state.rest = Buffer.from(data.subarray(end + 1));
    const marked = markedLines(data, end);
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
  finishLastLine(state: FileState): void {
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
