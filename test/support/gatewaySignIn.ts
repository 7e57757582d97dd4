// Signs a developer in to the Claude apps gateway the way Claude Code's `/login` does (RFC 8628
// device flow against the gateway), with a robot in place of the developer's browser: it opens
// the verification page, confirms the code, and follows the gateway's redirect through the test
// IdP (which logs in whoever the test queued with idp.queueLogin) back to the gateway's callback.
//
// Then either hand the token to Claude Code through its environment (gatewayEnv: the documented
// CLAUDE_CODE_USE_GATEWAY + ANTHROPIC_BASE_URL + ANTHROPIC_AUTH_TOKEN), or store it where
// `/login` stores a gateway session (writeGatewaySession), which is what a signed-in machine has.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const MAX_HOPS = 20;

export interface GatewayTokens {
  readonly access_token: string;
  readonly expires_in: number;
  readonly refresh_token?: string;
  readonly email?: string;
}

/** A browser without a window: one cookie jar per origin, follows redirects, submits the gateway's approve form. */
export async function approveDevice(verificationUriComplete: string): Promise<string> {
  const jars = new Map<string, Map<string, string>>();
  const cookieHeader = (url: URL) => [...(jars.get(url.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (url: URL, res: Response) => {
    const jar = jars.get(url.origin) ?? new Map<string, string>();
    jars.set(url.origin, jar);
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  };
  async function go(url: string, init: { method?: string; body?: string } = {}): Promise<{ res: Response; url: string; text: string }> {
    let current = url;
    let request = init;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const target = new URL(current);
      const cookie = cookieHeader(target);
      const res = await fetch(current, {
        method: request.method ?? 'GET',
        redirect: 'manual',
        body: request.body,
        // A form post carries its page's origin, as a browser's does: the gateway refuses
        // cross-site posts to its verification page.
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded', origin: target.origin, 'sec-fetch-site': 'same-origin' } : {}),
        },
      });
      keep(target, res);
      const location = res.headers.get('location');
      if (!location || res.status < 300 || res.status >= 400) return { res, url: current, text: await res.text() };
      current = new URL(location, current).href;
      request = {};
    }
    throw new Error(`more than ${MAX_HOPS} redirects from ${url}`);
  }

  const page = await go(verificationUriComplete);
  const userCode = /name="user_code" value="([^"]+)"/.exec(page.text)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1];
  if (!userCode || !action) throw new Error(`the gateway's verification page has no approve form (${page.res.status} ${page.url})`);
  const done = await go(new URL(action, page.url).href, { method: 'POST', body: new URLSearchParams({ user_code: userCode }).toString() });
  if (!done.res.ok) throw new Error(`approving the device code ended at ${done.res.status} ${done.url}: ${done.text.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 400)}`);
  return done.url;
}

/** The whole device flow: ask for a code, let `approve` approve it, poll the token endpoint. */
export async function deviceSignIn(gatewayUrl: string, approve: (verificationUriComplete: string) => Promise<unknown> = approveDevice, timeoutMs = 30_000): Promise<GatewayTokens> {
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const authorization = await fetch(`${gatewayUrl}/oauth/device_authorization`, form({ surface: 'claude_code' }));
  if (!authorization.ok) throw new Error(`device authorization: ${authorization.status} ${await authorization.text()}`);
  const device = (await authorization.json()) as { device_code: string; verification_uri_complete: string; interval?: number };
  await approve(device.verification_uri_complete);
  const deadline = Date.now() + timeoutMs;
  // The code is approved by now: poll without the interval's wait first, then at the interval.
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, (device.interval ?? 5) * 1000));
    const res = await fetch(`${gatewayUrl}/oauth/token`, form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code }));
    const body = (await res.json()) as GatewayTokens & { error?: string };
    if (res.ok) return body;
    if (body.error !== 'authorization_pending' && body.error !== 'slow_down') throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
  }
  throw new Error('device sign-in: no token before the deadline');
}

/** Claude Code's environment for a gateway token it did not sign in for itself. */
export function gatewayEnv(gatewayUrl: string, tokens: GatewayTokens): Record<string, string> {
  return { CLAUDE_CODE_USE_GATEWAY: '1', ANTHROPIC_BASE_URL: gatewayUrl, ANTHROPIC_AUTH_TOKEN: tokens.access_token };
}

/**
 * Stores a gateway session where Claude Code 2.1.330's `/login` stores one on Linux: the
 * `enterpriseGateway` entry of `<CLAUDE_CONFIG_DIR or ~/.claude>/.credentials.json` (mode 0600),
 * beside whatever else the file holds. The entry's fields are the ones its gateway login writes.
 * Claude Code uses a stored session only when `gatewayTrust[<hostname>]` holds the gateway's
 * pinned TLS certificate (its SHA-256, lowercase hex without colons), or "http-loopback" for an
 * http:// gateway on a loopback address; without it, it logs "no certificate is saved for <host>;
 * the stored sign-in is not used".
 */
export function writeGatewaySession(configDir: string, gatewayUrl: string, tokens: GatewayTokens, certificateSha256?: string): string {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const file = path.join(configDir, '.credentials.json');
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // No file yet.
  }
  const session = {
    url: gatewayUrl,
    jwt: tokens.access_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    tokenEndpoint: `${gatewayUrl}/oauth/token`,
    ...(tokens.refresh_token ? { idpRefreshToken: tokens.refresh_token } : {}),
    ...(tokens.email ? { email: tokens.email } : {}),
  };
  const url = new URL(gatewayUrl);
  const pin = url.protocol === 'http:' ? 'http-loopback' : certificateSha256;
  if (!pin) throw new Error('an https:// gateway session needs the SHA-256 of its certificate to be trusted');
  const trust = { ...((existing.gatewayTrust as Record<string, string> | undefined) ?? {}), [url.hostname.replace(/^\[|\]$/g, '')]: pin };
  writeFileSync(file, JSON.stringify({ ...existing, enterpriseGateway: session, gatewayTrust: trust }, null, 2), { mode: 0o600 });
  return file;
}
