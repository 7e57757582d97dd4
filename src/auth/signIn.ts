// The interactive sign-in: loopback server, browser, code exchange, STS.
//
//   discovery -> listen on 127.0.0.1:<port> -> open the authorization URL in the browser ->
//   wait (cancellable, with a deadline) for /callback -> check state -> exchange the code (PKCE,
//   nonce, iss checked by openid-client) -> STS -> answer the browser's page -> session.
//
// Nothing is stored here: the caller stores the session this returns, so a failure at any step
// leaves nothing behind.
import * as vscode from 'vscode';
import type { SignInSettings } from '../config/schema';
import { cancelled, oidcFailure, portInUse, stateMismatch, timedOut, unexpected } from '../failures';
import type { Log } from '../log';
import type { Notifier } from '../ui/notify';
import { CallbackServer, type PendingCallback, type RenderPage } from './loopback';
import { failureContext, mintSession } from './mint';
import type { OidcClient } from './oidc';
import { displayName } from './identity';
import type { StoredSession } from './sessionModel';

export interface InteractiveSignIn {
  readonly settings: SignInSettings;
  readonly client: OidcClient;
  readonly log: Log;
  readonly notifier: Notifier;
  readonly renderPage: RenderPage;
  readonly progress: vscode.Progress<{ message?: string }>;
  readonly token: vscode.CancellationToken;
}

export async function interactiveSignIn(options: InteractiveSignIn): Promise<StoredSession> {
  const { settings, client, log, progress, token } = options;
  let server: CallbackServer;
  try {
    server = await CallbackServer.start(settings.redirectPort, options.renderPage);
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') throw portInUse(settings.redirectPort, error);
    throw unexpected(error);
  }
  try {
    await forwardForRemote(server.redirectUri, log);
    const request = await client.authorizationRequest(server.redirectUri, settings.scopes);
    if (token.isCancellationRequested) throw cancelled();

    progress.report({ message: 'Finish signing in in your browser…' });
    log.info(`Opening the browser at ${settings.issuer} (authorization code with PKCE S256, redirect ${server.redirectUri}).`);
    // Not awaited before waiting for the callback: the browser may come back before openExternal resolves.
    void vscode.env.openExternal(vscode.Uri.parse(request.url, true)).then(
      (opened) => {
        if (opened) return;
        // No browser could be opened (a remote machine, a locked-down desktop): the user can
        // open the link themselves while the sign-in keeps waiting.
        log.warn('VS Code could not open a browser for the sign-in.');
        progress.report({ message: 'Open the sign-in link in your browser…' });
        options.notifier.show('warning', 'VS Code could not open your browser. Copy the sign-in link and open it in a browser on this computer.', [
          { kind: 'copyLink', text: request.url },
        ]);
      },
      (error: unknown) => log.error('Opening the browser failed', error),
    );
    const callback = await waitForCallback(server, token, settings.signInTimeout);
    log.info('The browser came back from the identity provider; checking the sign-in.');

    try {
      if (callback.url.searchParams.get('state') !== request.state) throw stateMismatch();
      progress.report({ message: 'Checking your sign-in…' });
      let tokens;
      try {
        tokens = await client.exchange(callback.url, request);
      } catch (error) {
        const failure = oidcFailure(error, 'exchange', failureContext(settings));
        log.error(`The code exchange failed (${failure.kind})`, error);
        throw failure;
      }
      log.redact(tokens.idToken, tokens.refreshToken);
      progress.report({ message: 'Getting AWS credentials…' });
      const session = await mintSession({ settings, tokens, previous: undefined, log });
      callback.respond({
        ok: true,
        title: 'Signed in',
        message: `You are signed in to Claude Code on Amazon Bedrock as ${displayName(session.identity)}. You can close this tab and return to VS Code.`,
      });
      return session;
    } catch (error) {
      const failure = unexpected(error);
      callback.respond({ ok: false, title: 'Sign-in failed', message: failure.message });
      throw failure;
    }
  } finally {
    server.close();
  }
}

/**
 * When the extension runs on a remote host, asks VS Code to forward the loopback port so the
 * browser on the user's machine reaches it. The IdP still redirects to the registered
 * http://127.0.0.1:<port>/callback; a forward to another port or host cannot work with an exact
 * redirect URI, so that case is logged for the platform team.
 */
async function forwardForRemote(redirectUri: string, log: Log): Promise<void> {
  try {
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(redirectUri));
    const reachable = external.toString(true);
    if (reachable !== redirectUri) {
      log.warn(
        `This window reaches ${redirectUri} as ${reachable}. The identity provider redirects to ${redirectUri}; if the browser cannot open it, forward that port to this machine.`,
      );
    }
  } catch (error) {
    log.warn(`Could not ask VS Code to forward the sign-in port: ${String(error)}`);
  }
}

function waitForCallback(server: CallbackServer, token: vscode.CancellationToken, timeoutSeconds: number): Promise<PendingCallback> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      subscription.dispose();
      action();
    };
    const timer = setTimeout(() => finish(() => reject(timedOut(timeoutSeconds))), timeoutSeconds * 1000);
    const subscription = token.onCancellationRequested(() => finish(() => reject(cancelled())));
    void server.next().then((callback) => finish(() => resolve(callback)));
  });
}
