// Diagnose's identity provider rows: its discovery document reachable and its issuer exactly the
// configured one, PKCE S256 and the refresh grant offered, its clock against this computer's,
// the redirect port free, and the last session's lifetimes. With IAM Identity Center: its OIDC
// and portal endpoints reachable, and the clock by the OIDC endpoint's Date header.
import { createServer } from 'node:net';
import { ssoOidcEndpointFor, ssoPortalEndpointFor } from '../aws/endpoints';
import { openSetting, SIGN_IN } from '../errors/failure';
import type { SignInSettings } from '../config/groups';
import { fail, pass, skipped, warning, type Check, type Finding } from './check';
import type { DiagnoseContext } from './context';

interface Discovery {
  readonly url: string;
  readonly status: number;
  readonly document: Record<string, unknown> | undefined;
  /** The server's Date header, epoch milliseconds. */
  readonly date: number | undefined;
  /** This computer's time halfway through the request. */
  readonly localAt: number;
}

async function fetchDiscovery(issuer: string, signal: AbortSignal, now: () => number): Promise<Discovery> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const before = now();
  const res = await fetch(url, { signal, redirect: 'follow' });
  const localAt = Math.round((before + now()) / 2);
  const text = await res.text();
  let document: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    document = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    document = undefined;
  }
  const date = res.headers.get('date');
  return { url, status: res.status, document, date: date ? Date.parse(date) : undefined, localAt };
}

/** Any HTTP answer from `url` (AWS answers a bare GET with an error of its own: reachable is what counts). */
async function probe(url: string, signal: AbortSignal, now: () => number): Promise<Discovery> {
  const before = now();
  const res = await fetch(url, { signal, redirect: 'manual' });
  const localAt = Math.round((before + now()) / 2);
  await res.arrayBuffer().catch(() => undefined);
  const date = res.headers.get('date');
  return { url, status: res.status, document: undefined, date: date ? Date.parse(date) : undefined, localAt };
}

function unreachable(what: string, error: unknown): string {
  return `${what} could not be reached: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}.`;
}

const SKEW_WARN_MS = 60_000;
const SKEW_FAIL_MS = 5 * 60_000;

export function idpChecks(ctx: DiagnoseContext): Check[] {
  const federation = ctx.config.federation();
  const checked = ctx.config.signIn();
  const settings: SignInSettings | undefined = checked.ok ? checked.value : undefined;
  const ic = federation === 'identityCenter' ? ctx.config.identityCenter() : undefined;
  const sso = ic?.ok ? { oidc: ssoOidcEndpointFor(ic.value.ssoRegion, ic.value.oidcEndpoint), portal: ssoPortalEndpointFor(ic.value.ssoRegion, ic.value.portalEndpoint) } : undefined;
  let discovery: Promise<Discovery> | undefined;
  const discover = (signal: AbortSignal) => (discovery ??= sso ? probe(sso.oidc, signal, () => ctx.clock.now()) : fetchDiscovery(settings!.issuer, signal, () => ctx.clock.now()));
  const withDiscovery = (run: (d: Discovery, s: SignInSettings) => Finding, identityCenter?: (d: Discovery) => Finding | Promise<Finding>) => async (signal: AbortSignal) => {
    if (ic && !identityCenter) return skipped('Signing in through IAM Identity Center, which always offers PKCE S256 and refresh tokens: nothing to check.');
    if (ic ? !sso : !settings) return skipped('The sign-in settings are not valid (see Settings).');
    let d: Discovery;
    try {
      d = await discover(signal);
    } catch (error) {
      if (sso) return fail(unreachable(`IAM Identity Center's sign-in service (${sso.oidc})`, error), 'Check your network (VPN, proxy), claudeBedrock.ssoRegion and claudeBedrock.ssoOidcEndpoint.', [openSetting('ssoOidcEndpoint')]);
      return fail(
        unreachable(settings!.issuer, error),
        'Check your network (VPN, proxy) and claudeBedrock.issuer; if a proxy inspects TLS, set NODE_EXTRA_CA_CERTS (see AWS: proxy and certificates).',
        [openSetting('issuer')],
      );
    }
    return ic && identityCenter ? identityCenter(d) : run(d, settings!);
  };
  /** The portal (accounts, roles, keys), asked after the sign-in service answered. */
  const portalAnswers = async (d: Discovery): Promise<Finding> => {
    try {
      const portal = await probe(sso!.portal, AbortSignal.timeout(15_000), () => ctx.clock.now());
      return pass(`IAM Identity Center's sign-in service (${d.url}) and access portal (${portal.url}) answer, in ${ic!.ok ? ic!.value.ssoRegion : ''}; the start URL is ${ic!.ok ? ic!.value.startUrl : ''}.`);
    } catch (error) {
      return fail(unreachable(`IAM Identity Center's access portal (${sso!.portal})`, error), 'Check your network (VPN, proxy), claudeBedrock.ssoRegion and claudeBedrock.ssoPortalEndpoint.', [openSetting('ssoPortalEndpoint')]);
    }
  };
  const clockFinding = (d: Discovery): Finding => {
    if (d.date === undefined || Number.isNaN(d.date)) return skipped(`${d.url} sent no Date header.`);
    const skew = d.localAt - d.date;
    const said = `This computer's clock is ${Math.abs(Math.round(skew / 1000))} s ${skew >= 0 ? 'ahead of' : 'behind'} ${sso ? "IAM Identity Center's" : "the identity provider's"}.`;
    if (Math.abs(skew) >= SKEW_FAIL_MS) return fail(said, "Set this computer's clock automatically (network time); tokens are refused at this difference.");
    if (Math.abs(skew) >= SKEW_WARN_MS) return warning(said, "Set this computer's clock automatically (network time) before it drifts further.");
    return pass(said);
  };
  return [
    {
      id: 'idp.discovery',
      area: 'Identity provider',
      title: 'Discovery document and issuer',
      why: 'Sign-in starts from the identity provider\'s discovery document, and refuses an issuer that differs by even a trailing slash.',
      run: withDiscovery((d, s) => {
        if (d.status !== 200 || !d.document) return fail(`${d.url} answered HTTP ${d.status}${d.document ? '' : ' without a JSON document'}.`, 'Check claudeBedrock.issuer against the issuer your identity provider publishes.', [openSetting('issuer')]);
        const published = String(d.document.issuer ?? '');
        if (published !== s.issuer) {
          const slash = published.replace(/\/$/, '') === s.issuer.replace(/\/$/, '') ? ' (they differ only in the trailing slash)' : '';
          return fail(`The identity provider publishes the issuer ${published}; claudeBedrock.issuer is ${s.issuer}${slash}.`, `Set claudeBedrock.issuer to exactly ${published}.`, [openSetting('issuer')]);
        }
        return pass(`${d.url} answers, and publishes the issuer ${published}, exactly as configured.`);
      }, portalAnswers),
    },
    {
      id: 'idp.capabilities',
      area: 'Identity provider',
      title: 'PKCE and the refresh grant',
      why: 'The sign-in uses PKCE S256; without the refresh grant, every renewal needs the browser.',
      run: withDiscovery((d) => {
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
      title: "The identity provider's clock",
      why: 'Tokens carry times: a clock minutes off makes ID tokens look expired or not yet valid, to this computer and to AWS.',
      run: withDiscovery(clockFinding, clockFinding),
    },
    {
      id: 'idp.port',
      area: 'Identity provider',
      title: 'The redirect port',
      why: 'The browser comes back to 127.0.0.1 on this port; another program on it breaks every sign-in.',
      run: async () => {
        const port = ic ? (ic.ok ? ic.value.redirectPort : undefined) : settings?.redirectPort;
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
          `Close the program listening on port ${port} (\`lsof -i :${port}\` names it), or ask your platform team for another port: claudeBedrock.redirectPort, with that redirect URI allowed at the identity provider.`,
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
        if (!session) return skipped('Not signed in.');
        const now = ctx.clock.now();
        const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
        const keys = Date.parse(session.credentials.expiration) - session.refreshedAt;
        const parts = [`AWS keys last ${minutes(keys)} (these until ${session.credentials.expiration}, ${minutes(Date.parse(session.credentials.expiration) - now)} from now)`];
        if (session.idTokenExpiresAt) parts.push(`the ID token ${minutes(session.idTokenExpiresAt - session.refreshedAt)}`);
        if (session.sso) parts.push(`the Identity Center access token ${minutes(session.sso.accessTokenExpiresAt - session.refreshedAt)} (account ${session.sso.accountId}, ${session.sso.roleName})`);
        parts.push(session.refreshToken ? 'a refresh token renews them without the browser' : 'no refresh token: the next renewal needs the browser');
        if (session.renewalFailed) return fail(`${parts.join('; ')}. The last renewal failed: ${session.renewalFailed}`, 'Sign in again.', [SIGN_IN]);
        return session.refreshToken ? pass(`${parts.join('; ')}.`) : warning(`${parts.join('; ')}.`, 'Ask your platform team to allow refresh tokens (offline_access in claudeBedrock.scopes).');
      },
    },
  ];
}
