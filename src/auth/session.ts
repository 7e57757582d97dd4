// The session store: the one place the signed-in session lives, in SecretStorage.
//
// Tokens, keys and even the identity shown to the user are secrets here and nowhere else (not
// settings, not globalState, not files). Every window of VS Code reads the same secret; when one
// window writes it (sign-in, refresh, sign-out) the others hear of it through
// secrets.onDidChange and follow, instead of running flows of their own.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { displayName } from './identity';
import { isStoredSession, type StoredSession } from './sessionModel';

export const SESSION_KEY = 'claudeBedrock.session';

export class SessionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StoredSession | undefined>();
  /** Fires when the stored session changes, in this window or in another. */
  readonly onDidChange = this.changed.event;
  private current: StoredSession | undefined;
  /** Counts the times the session ended (sign-out here or elsewhere): see save(). */
  private ends = 0;
  private readonly subscription: vscode.Disposable;
  /** Serialises reads and writes so a late read never overwrites a newer write in memory. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === SESSION_KEY) void this.reload('another window or this one changed the session');
    });
  }

  get session(): StoredSession | undefined {
    return this.current;
  }

  /** Pass to save() to write only if the session has not ended since this was read. */
  get epoch(): number {
    return this.ends;
  }

  /** Reads the stored session. A damaged entry is removed rather than trusted. */
  reload(why = 'startup'): Promise<StoredSession | undefined> {
    return this.serial(async () => {
      const raw = await this.secrets.get(SESSION_KEY);
      let next: StoredSession | undefined;
      if (raw) {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (isStoredSession(parsed)) next = parsed;
        } catch {
          next = undefined;
        }
        if (!next) {
          this.log.warn('The stored session could not be read and was removed; sign in again.');
          await this.secrets.delete(SESSION_KEY);
        }
      }
      this.setCurrent(next, why);
      return next;
    });
  }

  /**
   * Stores the session. With `epoch`, only if no sign-out happened since it was read: a renewal
   * that finishes after the user signed out must not bring the session back.
   */
  save(session: StoredSession, epoch?: number): Promise<boolean> {
    this.registerSecrets(session);
    return this.serial(async () => {
      if (epoch !== undefined && epoch !== this.ends) {
        this.log.info('The session ended while it was being renewed; the renewal is dropped.');
        return false;
      }
      await this.secrets.store(SESSION_KEY, JSON.stringify(session));
      this.setCurrent(session, 'saved');
      return true;
    });
  }

  clear(): Promise<void> {
    return this.serial(async () => {
      await this.secrets.delete(SESSION_KEY);
      this.setCurrent(undefined, 'cleared');
    });
  }

  private setCurrent(next: StoredSession | undefined, why: string): void {
    const before = this.current;
    if (before && !next) this.ends++;
    if (next) this.registerSecrets(next);
    this.current = next;
    if (JSON.stringify(before) !== JSON.stringify(next)) {
      this.log.debug(`Session ${next ? `for ${displayName(next.identity)} until ${next.credentials.expiration}` : 'none'} (${why}).`);
      this.changed.fire(next);
    }
  }

  private registerSecrets(session: StoredSession): void {
    const c = session.credentials;
    this.log.redact(session.idToken, session.refreshToken, c.accessKeyId, c.secretAccessKey, c.sessionToken);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
