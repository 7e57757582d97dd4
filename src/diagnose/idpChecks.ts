// Diagnose's identity provider rows: its discovery document reachable and its issuer exactly the
// configured one, the client ID and redirect URI it takes (idpClient.ts), PKCE S256 and the
// refresh grant offered, its clock against this computer's, the redirect port free, and the last
// session's lifetimes (or, signed out, how the last sign-in failed). With IAM Identity Center:
// its OIDC and portal endpoints reachable, and the clock by the OIDC endpoint's Date header.
import { createServer } from 'node:net';
import { ssoOidcEndpointFor, ssoPortalEndpointFor } from '../aws/endpoints';
import { CALLBACK_PATH } from '../browser/loopback';
import { openSetting, SIGN_IN } from '../errors/failure';
import { fail, pass, skipped, warning, type Check, type Finding } from './check';
import type { DiagnoseContext } from './context';
import { checkClient } from './idpClient';

/** An HTTP answer, and when it was given by the server's clock and by this computer's. */
interface Answer {
  readonly url: string;
  readonly status: number;
  /** The body as a JSON object, when asked for and it is one. */
  readonly document: Record<string, unknown> | undefined;
  /** The server's Date header, epoch milliseconds. */
  readonly date: number | undefined;
  /** This computer's time halfway through the request. */
  readonly localAt: number;
}

/** Any HTTP answer from `url`; with `json`, its body read as a JSON object. */
async function ask(url: string, json: boolean, signal: AbortSignal, now: () => number): Promise<Answer> {
  const before = now();
  const res = await fetch(url, { signal, redirect: json ? 'follow' : 'manual' });
  const localAt = Math.round((before + now()) / 2);
  const text = await res.text().catch(() => '');
  let document: Record<string, unknown> | undefined;
  try {
    const parsed = json ? (JSON.parse(text) as unknown) : undefined;
    document = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    document = undefined;
  }
  const date = res.headers.get('date');
  return { url, status: res.status, document, date: date ? Date.parse(date) : undefined, localAt };
}

function unreachable(what: string, error: unknown): string {
  return `${what} could not be reached: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}.`;
}

/** Whom the sign-in asks first: the identity provider's discovery document, or IAM Identity Center's sign-in service (any answer: AWS answers a bare GET with an error of its own). */
type Target =
  | { readonly kind: 'idp'; readonly issuer: string; readonly url: string; readonly clientId: string; readonly scopes: string; readonly redirectUri: string }
  | { readonly kind: 'sso'; readonly region: string; readonly startUrl: string; readonly oidc: string; readonly portal: string };

function targetOf(active: ReturnType<DiagnoseContext['config']['activeSignIn']>): Target | undefined {
  if (!active.checked.ok) return undefined;
  if (active.federation === 'identityCenter') {
    const ic = active.checked.value;
    return { kind: 'sso', region: ic.ssoRegion, startUrl: ic.startUrl, oidc: ssoOidcEndpointFor(ic.ssoRegion, ic.oidcEndpoint), portal: ssoPortalEndpointFor(ic.ssoRegion, ic.portalEndpoint) };
  }
  const { issuer, clientId, scopes, redirectPort } = active.checked.value;
  return { kind: 'idp', issuer, url: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, clientId, scopes, redirectUri: `http://127.0.0.1:${redirectPort}${CALLBACK_PATH}` };
}

const SKEW_WARN_MS = 60_000;
const SKEW_FAIL_MS = 5 * 60_000;

export function idpChecks(ctx: DiagnoseContext): Check[] {
  const active = ctx.config.activeSignIn();
  const target = targetOf(active);
  const now = () => ctx.clock.now();
  let first: Promise<Answer> | undefined;
  /** Runs `idp` (or `sso`) on the first answer, asked once for all the rows; no `sso`: the row is skipped there. */
  const withAnswer =
    (idp: (a: Answer, t: Extract<Target, { kind: 'idp' }>, signal: AbortSignal) => Finding | Promise<Finding>, sso?: (a: Answer, t: Extract<Target, { kind: 'sso' }>, signal: AbortSignal) => Finding | Promise<Finding>) =>
    async (signal: AbortSignal): Promise<Finding> => {
      if (!target) return skipped('The sign-in settings are not valid (see Settings).');
      if (target.kind === 'sso' && !sso) return skipped('Signing in through IAM Identity Center, which always offers PKCE S256 and refresh tokens: nothing to check.');
      let answer: Answer;
      try {
        answer = await (first ??= ask(target.kind === 'sso' ? target.oidc : target.url, target.kind === 'idp', signal, now));
      } catch (error) {
        if (target.kind === 'sso') return fail(unreachable(`IAM Identity Center's sign-in service (${target.oidc})`, error), 'Check your network (VPN, proxy), claudeBedrock.ssoRegion and claudeBedrock.ssoOidcEndpoint.', [openSetting('ssoOidcEndpoint')]);
        return fail(
          unreachable(target.issuer, error),
          'Check your network (VPN, proxy) and claudeBedrock.issuer; if a proxy inspects TLS, set NODE_EXTRA_CA_CERTS (see AWS: proxy and certificates).',
          [openSetting('issuer')],
        );
      }
      return target.kind === 'sso' ? sso!(answer, target, signal) : idp(answer, target, signal);
    };
  /** IAM Identity Center's portal (accounts, roles, keys), asked once its sign-in service answered. */
  const portalAnswers = async (a: Answer, t: Extract<Target, { kind: 'sso' }>, signal: AbortSignal): Promise<Finding> => {
    try {
      await ask(t.portal, false, signal, now);
      return pass(`IAM Identity Center's sign-in service (${a.url}) and access portal (${t.portal}) answer, in ${t.region}; the start URL is ${t.startUrl}.`);
    } catch (error) {
      return fail(unreachable(`IAM Identity Center's access portal (${t.portal})`, error), 'Check your network (VPN, proxy), claudeBedrock.ssoRegion and claudeBedrock.ssoPortalEndpoint.', [openSetting('ssoPortalEndpoint')]);
    }
  };
  const clockFinding = (a: Answer): Finding => {
    if (a.date === undefined || Number.isNaN(a.date)) return skipped(`${a.url} sent no Date header.`);
    const skew = a.localAt - a.date;
    const said = `This computer's clock is ${Math.abs(Math.round(skew / 1000))} s ${skew >= 0 ? 'ahead of' : 'behind'} ${target?.kind === 'sso' ? "IAM Identity Center's" : "the identity provider's"}.`;
    if (Math.abs(skew) >= SKEW_FAIL_MS) return fail(said, "Set this computer's clock automatically (network time); tokens are refused at this difference.");
    if (Math.abs(skew) >= SKEW_WARN_MS) return warning(said, "Set this computer's clock automatically (network time) before it drifts further.");
    return pass(said);
  };
  return [
    {
      id: 'idp.discovery',
      area: 'Identity provider',
      title: target?.kind === 'sso' ? "IAM Identity Center's sign-in service and portal" : 'Discovery document and issuer',
      why: 'Sign-in starts from the identity provider\'s discovery document, and refuses an issuer that differs by even a trailing slash.',
      run: withAnswer((d, { issuer }) => {
        if (d.status !== 200 || !d.document) return fail(`${d.url} answered HTTP ${d.status}${d.document ? '' : ' without a JSON document'}.`, 'Check claudeBedrock.issuer against the issuer your identity provider publishes.', [openSetting('issuer')]);
        const published = String(d.document.issuer ?? '');
        if (published !== issuer) {
          const slash = published.replace(/\/$/, '') === issuer.replace(/\/$/, '') ? ' (they differ only in the trailing slash)' : '';
          return fail(`The identity provider publishes the issuer ${published}; claudeBedrock.issuer is ${issuer}${slash}.`, `Set claudeBedrock.issuer to exactly ${published}.`, [openSetting('issuer')]);
        }
        return pass(`${d.url} answers, and publishes the issuer ${published}, exactly as configured.`);
      }, portalAnswers),
    },
    {
      id: 'idp.client',
      area: 'Identity provider',
      title: 'The client ID and redirect URI',
      why: 'An identity provider that does not know claudeBedrock.clientId, or does not allow the redirect URI for it, shows its own error page and never sends the browser back: the sign-in only times out.',
      run: withAnswer(
        (d, t, signal) => {
          if (!d.document) return skipped('No discovery document (see above).');
          const endpoint = d.document.authorization_endpoint;
          if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) {
            return fail('The discovery document names no authorization endpoint.', 'Check claudeBedrock.issuer against the issuer your identity provider publishes.', [openSetting('issuer')]);
          }
          return checkClient({ authorizationEndpoint: endpoint, clientId: t.clientId, redirectUri: t.redirectUri, scopes: t.scopes }, signal);
        },
        () => skipped('Signing in through IAM Identity Center, where this extension registers a client of its own, with the redirect URI it listens on: nothing to check.'),
      ),
    },
    {
      id: 'idp.capabilities',
      area: 'Identity provider',
      title: 'PKCE and the refresh grant',
      why: 'The sign-in uses PKCE S256; without the refresh grant, every renewal needs the browser.',
      run: withAnswer((d) => {
        if (!d.document) return skipped('No discovery document (see above).');
        const methods = Array.isArray(d.document.code_challenge_methods_supported) ? (d.document.code_challenge_methods_supported as unknown[]) : undefined;
        const grants = Array.isArray(d.document.grant_types_supported) ? (d.document.grant_types_supported as unknown[]) : ['authorization_code', 'implicit'];
        if (methods && !methods.includes('S256')) return fail(`The identity provider offers PKCE ${methods.join(', ') || 'with no method'}, not S256.`, 'Ask your platform team to enable PKCE S256 for the client (claudeBedrock.clientId).');
        if (!grants.includes('refresh_token')) return warning('The identity provider does not offer the refresh_token grant: each time the AWS keys run out, you sign in again in the browser.', 'Ask your platform team to allow refresh tokens (offline_access) for the client.');
        return pass(`PKCE ${methods ? 'S256' : '(not listed; S256 assumed)'} and the refresh grant are offered.`);
      }),
    },
    {
      id: 'idp.clock',
      area: 'Identity provider',
      title: target?.kind === 'sso' ? "IAM Identity Center's clock" : "The identity provider's clock",
      why: 'Tokens carry times: a clock minutes off makes ID tokens look expired or not yet valid, to this computer and to AWS.',
      run: withAnswer(clockFinding, clockFinding),
    },
    {
      id: 'idp.port',
      area: 'Identity provider',
      title: 'The redirect port',
      why: 'The browser comes back to 127.0.0.1 on this port; another program on it breaks every sign-in.',
      run: async () => {
        const port = active.checked.ok ? active.checked.value.redirectPort : undefined;
        if (port === undefined) return skipped('The sign-in settings are not valid (see Settings).');
        const free = await new Promise<boolean | string>((resolve) => {
          const server = createServer();
          server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? false : String(e.code ?? e.message)));
          server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
        });
        if (free === true) return pass(`127.0.0.1:${port} is free for the sign-in.`);
        if (free === false && ctx.signingIn()) return pass(`127.0.0.1:${port} is held by this extension's sign-in, which is waiting for the browser.`);
        return fail(
          `127.0.0.1:${port} is ${free === false ? 'held by another program' : `not available (${free})`}.`,
          `Close the program listening on port ${port} (on macOS and Linux, \`lsof -i :${port}\` names it; on Windows, \`netstat -ano | findstr :${port}\`), or ask your platform team for another port: claudeBedrock.redirectPort, with that redirect URI allowed at the identity provider.`,
          [openSetting('redirectPort')],
        );
      },
    },
    {
      id: 'idp.session',
      area: 'Identity provider',
      title: "The last session's lifetimes",
      why: 'Short-lived keys renew by themselves; a renewal that fails means a new sign-in.',
      run: async () => {
        const session = ctx.sessions.usableSession;
        const now = ctx.clock.now();
        if (!session) return lastFailure(ctx.lastSignInFailure(), now);
        const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
        const keys = Date.parse(session.credentials.expiration) - session.refreshedAt;
        const parts = [`AWS keys last ${minutes(keys)} (these until ${session.credentials.expiration}, ${minutes(Date.parse(session.credentials.expiration) - now)} from now)`];
        if (session.idTokenExpiresAt) parts.push(`the ID token ${minutes(session.idTokenExpiresAt - session.refreshedAt)}`);
        if (session.sso) parts.push(`the Identity Center access token ${minutes(session.sso.accessTokenExpiresAt - session.refreshedAt)} (account ${session.sso.accountId}, ${session.sso.roleName})`);
        const renewable = session.refreshToken !== undefined || !ctx.holdsSessionSecrets();
        parts.push(
          !ctx.holdsSessionSecrets()
            ? 'another VS Code window holds the refresh token and renews them for this one'
            : session.refreshToken
              ? 'a refresh token renews them without the browser'
              : 'no refresh token: the next renewal needs the browser',
        );
        if (session.renewalFailed) return fail(`${parts.join('; ')}. The last renewal failed: ${session.renewalFailed}`, 'Sign in again.', [SIGN_IN]);
        return renewable ? pass(`${parts.join('; ')}.`) : warning(`${parts.join('; ')}.`, 'Ask your platform team to allow refresh tokens (offline_access in claudeBedrock.scopes).');
      },
    },
  ];
}

/** Signed out: how the last sign-in failed, and its fix, rather than only "sign in" (which fails the same way). */
function lastFailure(last: ReturnType<DiagnoseContext['lastSignInFailure']>, now: number): Finding {
  if (!last) return skipped('Not signed in.');
  const minutes = Math.round((now - last.at) / 60_000);
  const when = minutes < 1 ? 'less than a minute ago' : `${minutes} min ago`;
  return fail(
    `Not signed in. The last sign-in (${when}) failed: ${last.message}`,
    last.transient ? 'Sign in again: this failure may have passed.' : 'Do what it says first: until then, signing in again fails the same way.',
    last.actions,
  );
}
