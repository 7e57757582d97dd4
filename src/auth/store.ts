// The session store: the one place the signed-in session lives, in SecretStorage and memory, and
// the one place that says how it got here.
//
// Tokens, keys and even the identity shown to the user are secrets here and nowhere else (not
// settings, not globalState, files). A session reaches this window in one of three ways, and the
// newest change wins whichever way it came:
// - made here (a sign-in, a renewal, a sign-out): saved, and told to the other windows;
// - made in another window that shares this window's channel: told as the session without its
//   secrets (the ID token, the refresh token: session.ts `shareable`), on the 'session' value the
//   windows share (windows/shared.ts, retained, so a window that opens later starts from the
//   newest), or in the outcome of a sign-in another window led, which carries the same (receive);
//   this window then reads the secrets from its own SecretStorage. Where that holds an older
//   session (the web editor reads its SecretStorage once per window), the window knows the
//   session without its secrets (`holdsSecrets` false): it shows it and hands out its keys, and
//   leaves renewing it to a window that holds them (renewal.ts);
// - written to SecretStorage by another VS Code sharing it (a Remote-SSH window beside a local
//   one, which cannot reach this machine's windows' channel): read when SecretStorage says it
//   changed.
import * as vscode from 'vscode';
import type { Clock } from '../util/clock';
import type { Log } from '../log';
import type { WindowChannel } from '../windows/bus';
import { SharedValue } from '../windows/shared';
import { displayName } from './identity';
import { isSharedSession, readSession, secretsOf, shareable, withoutSecrets, type Session, type SharedSession } from './session';

export const SESSION_KEY = 'claudeBedrock.session';

/** A change of the session: made in this window (and saved), or adopted from another. */
export interface SessionChange {
  readonly session: Session | undefined;
  readonly origin: 'here' | 'elsewhere';
  /** When the change was made (its window's clock). */
  readonly at: number;
  /** Another window signed out of a session whose secrets this window held: what it can still revoke. */
  readonly ended?: Session;
}

/** A change of the session as windows tell each other of it: nothing secret in it. */
export interface SharedChange {
  readonly session: SharedSession | null;
  /** When the change was made. */
  readonly at: number;
}

function readChange(value: unknown): SharedChange | undefined {
  const change = value as Partial<SharedChange> | null;
  if (typeof change !== 'object' || change === null || typeof change.at !== 'number') return undefined;
  return change.session === null || isSharedSession(change.session) ? { session: change.session, at: change.at } : undefined;
}

export class SessionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionChange>();
  readonly onDidChange = this.changed.event;
  private current: Session | undefined;
  /** The current session's secrets are here (not only in another window's memory). */
  private secretsHere = true;
  /** When the session last changed here or was adopted: an older change from elsewhere is ignored. */
  private changedAt = 0;
  /** Counts the times the session ended (sign-out here or elsewhere): see save(). */
  private ends = 0;
  /** Serialises reads and writes so a late one never overwrites a newer one. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The session as the windows share it. */
  private readonly shared: SharedValue<SharedChange>;
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    channel: WindowChannel,
    private readonly log: Log,
    private readonly clock: Clock,
  ) {
    this.shared = new SharedValue(channel, { topic: 'session', read: readChange, stamp: (change) => change.at });
    this.subscriptions = [
      secrets.onDidChange((e) => {
        if (e.key === SESSION_KEY) void this.storageChanged();
      }),
      this.shared,
      this.shared.onDidChange((change) => void this.take(change)),
    ];
    // What the hub kept from before this window opened.
    if (this.shared.value) void this.take(this.shared.value);
  }

  get session(): Session | undefined {
    return this.current;
  }

  /**
   * True when this window holds the current session's ID token and refresh token; false when it
   * knows the session only as another window shared it (that window renews it).
   */
  get holdsSecrets(): boolean {
    return this.current !== undefined && this.secretsHere;
  }

  /** Settles once every read and write asked for so far has finished (an adoption under way, say). */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  /** The session as this window last told the other windows of it, or heard of it from them. */
  get told(): SharedChange | undefined {
    return this.shared.value;
  }

  /** When the session last changed (0: never, in this window's memory). */
  get lastChange(): number {
    return this.changedAt;
  }

  /** Pass to save() to write only if the session has not ended since this was read. */
  get epoch(): number {
    return this.ends;
  }

  /** Reads the stored session, once, at startup. A damaged entry is removed rather than trusted. */
  load(): Promise<Session | undefined> {
    return this.serial(async () => {
      const raw = await this.secrets.get(SESSION_KEY);
      let session: Session | undefined;
      if (raw) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = undefined;
        }
        session = readSession(parsed);
        if (!session) {
          this.log.warn('The stored session could not be read and was removed; sign in again.');
          await this.secrets.delete(SESSION_KEY);
        } else if ((parsed as { version?: unknown }).version !== session.version) {
          // Stored by an earlier version of the extension: kept in today's shape.
          await this.secrets.store(SESSION_KEY, JSON.stringify(session));
        }
      }
      if (session && session.savedAt > this.changedAt) this.set(session, session.savedAt, 'elsewhere', 'startup', true);
      return this.current;
    });
  }

  /**
   * Stores the session. With `epoch`, only if no sign-out happened since it was read: a renewal
   * that finishes after the user signed out must not bring the session back.
   */
  save(session: Session, epoch?: number): Promise<boolean> {
    return this.serial(async () => {
      if (epoch !== undefined && epoch !== this.ends) {
        this.log.info('The session ended while it was being renewed; the renewal is dropped.');
        return false;
      }
      const saved: Session = { ...session, savedAt: Math.max(this.clock.now(), this.changedAt + 1) };
      await this.secrets.store(SESSION_KEY, JSON.stringify(saved));
      this.set(saved, saved.savedAt, 'here', 'saved', true);
      return true;
    });
  }

  clear(): Promise<void> {
    return this.serial(async () => {
      await this.secrets.delete(SESSION_KEY);
      this.set(undefined, Math.max(this.clock.now(), this.changedAt + 1), 'here', 'cleared', true);
    });
  }

  /** SecretStorage changed: this window's own write (nothing new), or another VS Code's. */
  private storageChanged(): Promise<void> {
    return this.serial(async () => {
      const raw = await this.secrets.get(SESSION_KEY);
      let stored: Session | undefined;
      try {
        stored = raw ? readSession(JSON.parse(raw)) : undefined;
      } catch {
        stored = undefined;
      }
      if (stored && stored.savedAt > this.changedAt) this.set(stored, stored.savedAt, 'elsewhere', 'changed in SecretStorage', true);
      else if (stored && stored.savedAt === this.changedAt && !this.secretsHere) this.set(stored, stored.savedAt, 'elsewhere', 'its secrets reached SecretStorage', true);
      else if (!raw && this.current) this.set(undefined, Math.max(this.clock.now(), this.changedAt + 1), 'elsewhere', 'removed from SecretStorage', true);
    });
  }

  /**
   * A change another window made, as windows tell it: heard on the shared value, or carried by
   * the outcome of a sign-in another window led. False when `told` is no such change; else it is
   * taken unless this window knows a newer one, and true once it is (or is not).
   */
  async receive(told: unknown): Promise<boolean> {
    const change = readChange(told);
    if (!change) return false;
    await this.take(change);
    return true;
  }

  /**
   * Takes another window's change unless this window knows a newer one. Its secrets are read from
   * this window's SecretStorage when it holds the same session (the same `savedAt`); otherwise the
   * session is known without them.
   */
  private take({ session: shared, at }: SharedChange): Promise<void> {
    return this.serial(async () => {
      if (at <= this.changedAt) return;
      if (!shared) {
        // This window's copy goes too: the web editor's SecretStorage is one per window.
        const ended = this.holdsSecrets ? this.current : undefined;
        if (ended) await this.secrets.delete(SESSION_KEY);
        this.set(undefined, at, 'elsewhere', 'another window', true, ended);
        this.log.info('Another VS Code window signed out.');
        return;
      }
      const stored = await this.readStored();
      const whole = stored?.savedAt === shared.savedAt;
      this.set(whole ? stored : withoutSecrets(shared), at, 'elsewhere', whole ? 'another window' : 'another window, whose secrets this window does not hold', whole);
      this.log.info('Took the session another VS Code window changed.');
    });
  }

  private async readStored(): Promise<Session | undefined> {
    try {
      const raw = await this.secrets.get(SESSION_KEY);
      return raw ? readSession(JSON.parse(raw)) : undefined;
    } catch {
      return undefined;
    }
  }

  private set(next: Session | undefined, at: number, origin: SessionChange['origin'], why: string, secretsHere: boolean, ended?: Session): void {
    const before = this.current;
    if (before && !next) this.ends++;
    if (next) this.log.redact(...secretsOf(next));
    this.current = next;
    this.secretsHere = secretsHere;
    this.changedAt = at;
    this.log.debug(`Session ${next ? `for ${displayName(next.identity)} until ${next.credentials.expiration}` : 'none'} (${why}).`);
    if (origin === 'here') this.shared.publish({ session: next ? shareable(next) : null, at });
    this.changed.fire({ session: next, origin, at, ...(ended ? { ended } : {}) });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
