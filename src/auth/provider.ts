// The account in VS Code's Accounts menu: an AuthenticationProvider over the same session.
// Signing out there signs out of the extension.
import * as vscode from 'vscode';
import type { Auth, AuthState } from './auth';
import { displayName } from './identity';
import type { StoredSession } from './sessionModel';

export const PROVIDER_ID = 'claudeBedrock';
export const PROVIDER_LABEL = 'Claude Bedrock';

function toSession(session: StoredSession): vscode.AuthenticationSession {
  return {
    id: session.identity.subject,
    accessToken: session.idToken,
    account: { id: session.identity.subject, label: displayName(session.identity) },
    scopes: [],
  };
}

export class BedrockAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private shown: vscode.AuthenticationSession | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly auth: Auth) {
    this.disposables = [
      this.changed,
      vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, this, { supportsMultipleAccounts: false }),
      auth.onDidChangeState((state) => this.follow(state)),
    ];
    this.follow(auth.state);
  }

  private follow(state: AuthState): void {
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
    const session = await this.auth.signIn();
    if (!session) throw new Error('Sign-in did not complete.');
    return toSession(session);
  }

  async removeSession(): Promise<void> {
    await this.auth.signOut();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
