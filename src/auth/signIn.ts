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
import { Failure, cancelled, oidcFailure, portInUse, stateMismatch, timedOut, unexpected } from '../failures';
import type { Log } from '../log';
import { CallbackServer, type PendingCallback, type RenderPage } from './loopback';
import { failureContext, mintSession } from './mint';
import type { OidcClient } from './oidc';
import { displayName, type StoredSession } from './session';

export interface InteractiveSignIn {
  readonly settings: SignInSettings;
  readonly client: OidcClient;
  readonly log: Log;
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
    const opened = vscode.env.openExternal(vscode.Uri.parse(request.url, true));
    const callback = await waitForCallback(server, token, settings.signInTimeout, opened);

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

function waitForCallback(
  server: CallbackServer,
  token: vscode.CancellationToken,
  timeoutSeconds: number,
  opened: Thenable<boolean>,
): Promise<PendingCallback> {
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
    opened.then(
      (ok) => {
        if (!ok) finish(() => reject(new Failure('cancelled', 'Sign-in cancelled: the browser was not opened.')));
      },
      (error: unknown) => finish(() => reject(unexpected(error))),
    );
    void server.next().then((callback) => finish(() => resolve(callback)));
  });
}
