// The extension's log: a LogOutputChannel ("Claude Bedrock" in the Output view).
//
// Nothing secret is ever passed here on purpose. As a second line of defence, the secrets the
// extension holds are registered with `redact` by their one owner each (the session store for
// tokens and keys, the credentials endpoint for its token), and every line is scrubbed of them
// before it is written.
import * as vscode from 'vscode';

const MIN_SECRET_LENGTH = 8;
/** Secrets remembered at most: the newest are kept (a day of hourly renewals is about 120). */
const MAX_SECRETS = 256;
/** Lines kept in memory for Diagnose's report (already scrubbed). */
const RECENT_LINES = 500;

export class Log implements vscode.Disposable {
  private readonly secrets = new Set<string>();
  private readonly lines: string[] = [];

  /** `channel`: the output channel, made with `{ log: true }` by the caller. */
  constructor(private readonly channel: vscode.LogOutputChannel) {}

  /** Registers values that must never appear in the log. */
  redact(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (!value || value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) continue;
      this.secrets.add(value);
      if (this.secrets.size > MAX_SECRETS) this.secrets.delete(this.secrets.values().next().value as string);
    }
  }

  /** `message` without the registered secrets, kept among the recent lines: what the channel gets. */
  private line(message: string, level = 'info'): string {
    let out = message;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    this.lines.push(`${new Date().toISOString()} [${level}] ${out}`);
    if (this.lines.length > RECENT_LINES) this.lines.shift();
    return out;
  }

  /** The last `count` lines written (as written: scrubbed). */
  recent(count: number): string[] {
    return this.lines.slice(-count);
  }

  /** The values registered as secret, for reports that must leave them out too. */
  knownSecrets(): string[] {
    return [...this.secrets];
  }

  private enabled(level: vscode.LogLevel): boolean {
    return this.channel.logLevel !== vscode.LogLevel.Off && this.channel.logLevel <= level;
  }

  trace(message: string): void {
    if (this.enabled(vscode.LogLevel.Trace)) this.channel.trace(this.line(message, 'trace'));
  }
  debug(message: string): void {
    if (this.enabled(vscode.LogLevel.Debug)) this.channel.debug(this.line(message, 'debug'));
  }
  info(message: string): void {
    this.channel.info(this.line(message));
  }
  warn(message: string): void {
    this.channel.warn(this.line(message, 'warning'));
  }
  error(message: string, error?: unknown): void {
    this.channel.error(this.line(error === undefined ? message : `${message}: ${describe(error)}`, 'error'));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/**
 * A one-line account of an error for the log: its name, code and message, and the same for its
 * cause. Never the request or response objects an SDK error may carry: those can hold tokens.
 */
export function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    if (current instanceof Error) {
      const e = current as Error & { code?: unknown; error?: unknown; $metadata?: { httpStatusCode?: number } };
      const tags = [e.name, e.code, e.error, e.$metadata?.httpStatusCode].filter((t) => t !== undefined && t !== '');
      parts.push(`${tags.join(' ')}: ${e.message}`);
      current = e.cause;
    } else {
      // Not an error: a response, the callback's parameters, a claims set. Named, never printed,
      // since such objects can carry codes and tokens.
      const type = typeof current === 'object' ? ((current as object).constructor?.name ?? 'object') : typeof current;
      parts.push(`(${type})`);
      current = undefined;
    }
  }
  return parts.join(' <- ');
}
