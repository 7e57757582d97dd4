// Diagnose's row for the two most common set-up mistakes: a client ID the identity provider does
// not know, and a redirect URI it does not allow for it. Either ends the sign-in on the identity
// provider's own error page, which never sends the browser back, so VS Code only sees it time
// out. The row asks the authorization endpoint to start a sign-in as the extension would (the
// configured client ID, redirect URI and scopes, PKCE S256), without following redirects and
// without any session of the user's, and reads what it answers: a known client is sent on to a
// login page (or back to the redirect URI); an unknown one, or a redirect URI it does not allow,
// gets its error page. Identity providers word those pages differently; the markers below are
// those of the common ones (the OAuth error codes, Entra ID's AADSTS numbers, Okta's, Auth0's and
// Cognito's wording). Nothing the identity provider sent is shown but an OAuth error code.
import { createHash, randomBytes } from 'node:crypto';
import { openSetting } from '../errors/failure';
import { fail, pass, warning, type Finding } from './check';

/** A sign-in's first request, as the extension would make it. */
export interface ClientProbe {
  readonly authorizationEndpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: string;
}

/** What the authorization endpoint answered. */
export interface AuthorizationAnswer {
  readonly status: number;
  /** Where it sends the browser, for a redirect. */
  readonly location: string | undefined;
  /** The start of its page. */
  readonly body: string;
}

/** The most of an answer's page that is read. */
const BODY_LIMIT = 64 * 1024;

const CLIENT_MARKERS: readonly RegExp[] = [
  /\binvalid_client\b/i,
  /\bAADSTS700016\b/,
  /\bunknown[ _]client\b/i,
  /\bclient[ _]?id[^.<"]{0,40}\b(not found|invalid|unknown|does not exist|is not valid)\b/i,
];
const REDIRECT_MARKERS: readonly RegExp[] = [
  /\binvalid_redirect_uri\b/i,
  /\bredirect_uri_mismatch\b/i,
  /\bredirect_mismatch\b/i,
  /\bAADSTS50011\b/,
  /\bcallback url mismatch\b/i,
  /\bmust be a login redirect uri\b/i,
  /\bredirect[ _]uri[^.<"]{0,60}\b(not allowed|not registered|not valid|not whitelisted|invalid|mismatch|does not match)\b/i,
];

/** The authorization URL of a sign-in that will never be finished: fresh state, nonce and PKCE challenge. */
export function probeUrl(p: ClientProbe): string {
  const url = new URL(p.authorizationEndpoint);
  const random = () => randomBytes(16).toString('base64url');
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('scope', p.scopes);
  url.searchParams.set('state', random());
  url.searchParams.set('nonce', random());
  url.searchParams.set('code_challenge', createHash('sha256').update(random()).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.href;
}

/** An OAuth error code as sent, when it looks like one (nothing else of the answer is shown). */
function errorCode(value: string | null): string | undefined {
  return value && /^[a-z_]{1,60}$/i.test(value) ? value : undefined;
}

function parse(location: string | undefined, base: string): URL | undefined {
  try {
    return location ? new URL(location, base) : undefined;
  } catch {
    return undefined;
  }
}

/** What the answer says about the client ID and the redirect URI. */
export function readAnswer(answer: AuthorizationAnswer, p: ClientProbe): Finding {
  const asked = `${p.authorizationEndpoint}, asked to start a sign-in for claudeBedrock.clientId ${p.clientId} with the redirect URI ${p.redirectUri},`;
  const location = parse(answer.location, p.authorizationEndpoint);
  if (location && `${location.origin}${location.pathname}` === p.redirectUri) {
    const error = errorCode(location.searchParams.get('error'));
    if (error === 'invalid_scope') {
      return fail(`${asked} sends the browser back refusing the scopes ${p.scopes} (invalid_scope).`, 'Set claudeBedrock.scopes to scopes the application may ask for ("openid" is required), or ask your platform team to allow them.', [openSetting('scopes')]);
    }
    if (error === 'unauthorized_client' || error === 'unsupported_response_type') {
      return fail(`${asked} sends the browser back: the application may not use the authorization code flow (${error}).`, `Ask your platform team to allow the authorization code grant with PKCE for the client ${p.clientId} (a native or public application).`);
    }
    if (error && !/^(login|consent|interaction|account_selection)_required$/.test(error)) {
      return warning(`${asked} knows the client and the redirect URI, but sends the browser back with the error ${error}.`, 'Sign in to see whether it happens in the browser too; if it does, show this report to your platform team.');
    }
    return pass(`${asked} knows the client and allows the redirect URI: it sends the browser back to it.`);
  }
  const text = `${location?.href ?? ''}\n${answer.body}`;
  if (CLIENT_MARKERS.some((m) => m.test(text))) {
    return fail(
      `${asked} answers with its error page: it does not know the client ID${/\binvalid_client\b/i.test(text) ? ' (invalid_client)' : ''}. A sign-in then stops at that page and never comes back to VS Code.`,
      'Set claudeBedrock.clientId to the client ID of the application your platform team registered at the identity provider (a native or public application).',
      [openSetting('clientId')],
    );
  }
  if (REDIRECT_MARKERS.some((m) => m.test(text))) {
    return fail(
      `${asked} answers with its error page: it does not allow that redirect URI for the client${/\binvalid_redirect_uri\b/i.test(text) ? ' (invalid_redirect_uri)' : ''}. A sign-in then stops at that page and never comes back to VS Code.`,
      `Ask your platform team to allow the redirect URI ${p.redirectUri} for the client ${p.clientId} exactly, or set claudeBedrock.redirectPort to the port they registered.`,
      [openSetting('redirectPort')],
    );
  }
  if (answer.status >= 400) {
    return fail(
      `${asked} answers HTTP ${answer.status} without saying why in words this check knows.`,
      `Check claudeBedrock.clientId, and that your identity provider allows the redirect URI ${p.redirectUri} for it; a sign-in shows the identity provider's own page, which says more.`,
      [openSetting('clientId')],
    );
  }
  return pass(`${asked} answers with ${location ? 'a redirect to its login page' : `a page (HTTP ${answer.status}), its login page`}: it knows the client and allows the redirect URI.`);
}

/** The start of a response's body, at most BODY_LIMIT bytes of it. */
async function readStart(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
}

/** Asks the authorization endpoint, and says what its answer means. */
export async function checkClient(p: ClientProbe, signal: AbortSignal): Promise<Finding> {
  let answer: AuthorizationAnswer;
  try {
    const res = await fetch(probeUrl(p), { signal, redirect: 'manual', headers: { accept: 'text/html' } });
    answer = { status: res.status, location: res.headers.get('location') ?? undefined, body: await readStart(res) };
  } catch (error) {
    const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return fail(`${p.authorizationEndpoint} (the identity provider's authorization endpoint) could not be reached: ${why}.`, 'Check your network (VPN, proxy); a sign-in opens this address in your browser.');
  }
  return readAnswer(answer, p);
}
