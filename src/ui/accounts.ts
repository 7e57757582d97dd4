// The account in VS Code's Accounts menu: an AuthenticationProvider over the same session.
// Signing out there signs out of the extension.
import * as vscode from 'vscode';
import type { AuthState, SessionSource } from '../auth/core';
import { displayName } from '../auth/identity';
import type { Session } from '../auth/session';
import type { SignIn } from '../auth/signIn';
import { inert } from '../util/text';

export const PROVIDER_ID = 'claudeBedrock';
export const PROVIDER_LABEL = 'Claude Bedrock';

/**
 * The account's label is the name the ID token gives. VS Code's Accounts menu shows labels as
 * text, but drops what reads as an icon, $(name) (and shows an escaped one with its backslash):
 * made inert, every character of the name stays in sight.
 */
function toSession(session: Session): vscode.AuthenticationSession {
  return {
    id: session.identity.subject,
    accessToken: session.idToken ?? '',
    account: { id: session.identity.subject, label: inert(displayName(session.identity)) },
    scopes: [],
  };
}

export class AccountsMenu implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private shown: vscode.AuthenticationSession | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(
    sessions: SessionSource,
    private readonly signIn: Pick<SignIn, 'signIn' | 'signOut'>,
  ) {
    this.disposables = [
      this.changed,
      vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, this, { supportsMultipleAccounts: false }),
      sessions.onDidChangeState((state) => this.show(state)),
    ];
    this.show(sessions.state);
  }

  private show(state: AuthState): void {
    const next = state.kind === 'signedIn' ? toSession(state.session) : undefined;
    const before = this.shown;
    this.shown = next;
    if (before && !next) this.changed.fire({ added: [], removed: [before], changed: [] });
    else if (!before && next) this.changed.fire({ added: [next], removed: [], changed: [] });
    else if (before && next && before.accessToken !== next.accessToken) this.changed.fire({ added: [], removed: [], changed: [next] });
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    return this.shown ? [this.shown] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const session = await this.signIn.signIn();
    if (!session) throw new Error('Sign-in did not complete.');
    return toSession(session);
  }

  async removeSession(): Promise<void> {
    await this.signIn.signOut();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
