// Windows follow each other's session: a change made here (a sign-in, a renewal, a sign-out)
// goes to every other window over the windows' channel, and theirs come here. The newest change
// wins, in every window, whatever order the messages meet in. The value is retained at the hub,
// so a window that opens later starts from the newest too (its SecretStorage may be older: the
// web editor reads it once per window). What travels is the session without its secrets
// (session.ts `shareable`): the ID token and the refresh token never leave SecretStorage and
// the memory of the windows that hold them.
import type * as vscode from 'vscode';
import type { Log } from '../log';
import type { WindowChannel } from '../windows/bus';
import { isSharedSession, shareable, type SharedSession } from './session';
import type { SessionStore } from './store';

const TOPIC = 'session';

interface Shared {
  readonly session: SharedSession | null;
  /** When the change was made. */
  readonly at: number;
}

export class SessionSync implements vscode.Disposable {
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly store: SessionStore,
    channel: WindowChannel,
    private readonly log: Log,
  ) {
    this.subscriptions = [
      store.onDidChange((change) => {
        if (change.origin === 'here') channel.publish(TOPIC, { session: change.session ? shareable(change.session) : null, at: change.at } satisfies Shared, { retain: true });
      }),
      channel.subscribe(TOPIC, (value) => this.receive(value)),
    ];
    // What the hub kept from before this window subscribed.
    const kept = channel.retained(TOPIC);
    if (kept !== undefined) this.receive(kept);
  }

  private receive(value: unknown): void {
    const shared = value as Partial<Shared> | null;
    if (!shared || typeof shared.at !== 'number' || (shared.session !== null && !isSharedSession(shared.session))) {
      this.log.debug('A session message of unknown shape from another window was dropped.');
      return;
    }
    const session = shared.session ?? undefined;
    void this.store.adopt(session, shared.at).then((taken) => {
      if (taken) this.log.info(session ? 'Took the session another VS Code window changed.' : 'Another VS Code window signed out.');
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
