// IAM Identity Center, the third flow: this extension registered once as a public client of the
// instance (kept in SecretStorage until the registration expires), the authorization code with
// PKCE on the loopback redirect (as current AWS CLIs do) or a code entered in any browser
// (ssoDeviceCode.ts), then the role keys of an account and permission set: the settings', or the
// one the user chose (remembered per start URL until they sign out).
// Renewal: the access token while it lasts, else its refresh token, then the role keys again.
//
//   registration -> browser (authorize.ts) -> CreateToken (code + verifier), or the device code
//   -> account and role
//   -> GetRoleCredentials -> who (STS GetCallerIdentity: the role session is the user's name)
//   -> the quota gate -> session
import { createHash, randomBytes } from 'node:crypto';
import type * as SsoModule from '../../aws/sso';
import type * as StsModule from '../../aws/sts';
import { ssoOidcEndpointFor, ssoPortalEndpointFor, stsEndpointFor } from '../../aws/endpoints';
import type { AuthorizeOptions } from '../../browser/authorize';
import { authorizeInBrowser, browserStep } from '../../browser/authorize';
import { CALLBACK_PATH, type RenderPage } from '../../browser/loopback';
import type { IdentityCenterSettings } from '../../config/groups';
import { ssoFailure, type ErrorContext } from '../../errors/explain';
import { Failure } from '../../errors/failure';
import { browserDidNotReturn, cancelled, refreshRejected } from '../../errors/signIn';
import type { Log } from '../../log';
import type { Clock } from '../../util/clock';
import type { Identity } from '../identity';
import { bindingOf, type Session } from '../session';
import type { Admit, FlowRun } from './flow';
import { SettingsFlow, type SettingsFlowOptions } from './settingsFlow';
import { deviceCodeTokens, signInMethod, type DeviceCodeUi } from './ssoDeviceCode';

/** Renew the access token (with its refresh token) when it has less than this left. */
const TOKEN_MARGIN_MS = 5 * 60_000;
const CLIENT_NAME = 'Claude Code on Amazon Bedrock (VS Code)';

export interface RoleChoice {
  readonly accountId: string;
  readonly roleName: string;
}

export interface IdentityCenterOptions extends SettingsFlowOptions<IdentityCenterSettings> {
  readonly sso: () => typeof SsoModule;
  readonly sts: () => typeof StsModule;
  /** This extension's registrations, by start URL (SecretStorage: they hold a client secret). */
  readonly registrations: {
    get(startUrl: string): Promise<SsoModule.Registration | undefined>;
    set(startUrl: string, registration: SsoModule.Registration): Promise<void>;
  };
  /** The account and role the user chose, by start URL (not secret), until they sign out. */
  readonly remembered: {
    get(startUrl: string): RoleChoice | undefined;
    set(startUrl: string, choice: RoleChoice): Promise<void>;
    clear(): Promise<void>;
  };
  /** Asks the user to pick one of `choices`; undefined when they cancel. */
  readonly choose: (choices: readonly SsoModule.AccountChoice[]) => Promise<RoleChoice | undefined>;
  readonly browser: AuthorizeOptions['ui'];
  /** Shows the code of a sign-in without the loopback redirect. */
  readonly deviceCode: DeviceCodeUi;
  readonly renderPage: () => RenderPage;
  readonly log: Log;
  readonly clock: Clock;
}

function targets(settings: IdentityCenterSettings) {
  const timeoutMs = settings.requestTimeout * 1000;
  return {
    oidc: { region: settings.ssoRegion, endpoint: ssoOidcEndpointFor(settings.ssoRegion, settings.oidcEndpoint), timeoutMs },
    portal: { region: settings.ssoRegion, endpoint: ssoPortalEndpointFor(settings.ssoRegion, settings.portalEndpoint), timeoutMs },
  };
}

export function errorContext(settings: IdentityCenterSettings, choice?: RoleChoice): ErrorContext {
  return {
    startUrl: settings.startUrl,
    region: settings.ssoRegion,
    endpoint: ssoOidcEndpointFor(settings.ssoRegion, settings.oidcEndpoint),
    redirectPort: settings.redirectPort,
    requestTimeout: settings.requestTimeout,
    accountId: choice?.accountId,
    roleName: choice?.roleName,
  };
}

/** The user as Identity Center names them: the role session name, an email for most instances. */
export function identityFromRoleArn(arn: string): Identity {
  const name = arn.split('/').pop() ?? '';
  return { subject: name, email: /^[^@\s]+@[^@\s]+$/.test(name) ? name : undefined, name, department: undefined, groups: [] };
}

export class IdentityCenterFlow extends SettingsFlow<IdentityCenterSettings> {
  readonly id = 'identityCenter';
  private codeNext = false;

  constructor(private readonly options: IdentityCenterOptions) {
    super(options);
  }

  protected bind(s: IdentityCenterSettings): string {
    return bindingOf('identityCenter', s.startUrl, s.ssoRegion, s.accountId ?? '', s.roleName ?? '');
  }

  /** The next sign-in (in this window) uses a code, whatever the setting says: the browser could not come back. */
  useCodeNext(): void {
    this.codeNext = true;
  }

  async signIn(run: FlowRun): Promise<Session> {
    const settings = this.valid();
    const { log, clock, browser } = this.options;
    run.progress('Contacting IAM Identity Center…');
    const loopback = `http://127.0.0.1:${settings.redirectPort}${CALLBACK_PATH}`;
    const method = this.codeNext ? 'deviceCode' : await signInMethod(settings.signInMethod, loopback, (uri) => browser.reachable(uri), log);
    this.codeNext = false;
    if (method === 'browser') return this.signInInBrowser(settings, run);
    const registration = await this.registration(settings, undefined);
    const tokens = await deviceCodeTokens({
      sso: this.options.sso(),
      target: targets(settings).oidc,
      registration,
      startUrl: settings.startUrl,
      run,
      ui: this.options.deviceCode,
      timeoutSeconds: settings.signInTimeout,
      log,
      clock,
      call: (work) => this.call(settings, undefined, work),
    });
    run.progress('Getting AWS credentials…');
    return this.mint(settings, tokens, await this.choice(settings, tokens.accessToken), undefined, run.admit);
  }

  /** The authorization code with PKCE, the browser coming back to the loopback port. */
  private async signInInBrowser(settings: IdentityCenterSettings, run: FlowRun): Promise<Session> {
    const { clock } = this.options;
    const { oidc } = targets(settings);
    const verifier = randomBytes(32).toString('base64url');
    let registration: SsoModule.Registration | undefined;
    return authorizeInBrowser(
      browserStep(this.options, run, {
        port: settings.redirectPort,
        timeoutSeconds: settings.signInTimeout,
        destination: settings.startUrl,
        request: async (redirectUri) => {
          registration = await this.registration(settings, redirectUri);
          const state = randomBytes(16).toString('base64url');
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          return { url: this.options.sso().authorizationUrl(oidc, registration, state, challenge), state };
        },
      }),
      async ({ callbackUrl, respond }) => {
        const code = callbackUrl.searchParams.get('code');
        if (!code) {
          const error = callbackUrl.searchParams.get('error') ?? 'no code';
          throw new Failure('denied', `IAM Identity Center did not sign you in (${error}). Sign in again; if access is refused, ask your platform team to assign you to Claude Code.`, [{ kind: 'signIn' }]);
        }
        const tokens = await this.call(settings, undefined, () => this.options.sso().createToken(oidc, registration!, { grantType: 'authorization_code', code, codeVerifier: verifier }, clock.now()));
        run.progress('Getting AWS credentials…');
        // The user may take their time over the choice: the browser's page is answered before
        // it is asked, not left waiting (a held page that waits too long shows an error).
        const choice = await this.choice(settings, tokens.accessToken, () =>
          respond({ ok: true, title: 'Signed in', message: 'You are signed in to IAM Identity Center. Choose your AWS account and role in VS Code to finish; you can close this tab.' }),
        );
        const session = await this.mint(settings, tokens, choice, undefined, run.admit);
        respond({ ok: true, title: 'Signed in', message: `You are signed in to Claude Code on Amazon Bedrock as ${session.identity.name}. You can close this tab and return to VS Code.` });
        return session;
      },
    ).catch((error: unknown) => {
      // The browser never came back: perhaps it cannot reach this window's loopback port.
      throw error instanceof Failure && error.kind === 'timeout' ? browserDidNotReturn(settings.signInTimeout) : error;
    });
  }

  canRenew(session: Session): boolean {
    return Boolean(session.sso && (session.refreshToken || session.sso.accessTokenExpiresAt > this.options.clock.now() + TOKEN_MARGIN_MS));
  }

  async renew(session: Session, keep: (session: Session) => Promise<void>, admit: Admit): Promise<Session> {
    const settings = this.valid('renew your session');
    const { clock } = this.options;
    const sso = session.sso;
    if (!sso) throw refreshRejected('the saved sign-in is not an IAM Identity Center one');
    let tokens: SsoModule.SsoTokens = { accessToken: sso.accessToken, expiresAt: sso.accessTokenExpiresAt, refreshToken: session.refreshToken };
    if (sso.accessTokenExpiresAt - clock.now() < TOKEN_MARGIN_MS) {
      if (!session.refreshToken) throw refreshRejected('your IAM Identity Center sign-in has expired');
      const registration = await this.options.registrations.get(settings.startUrl);
      if (!registration || registration.expiresAt <= clock.now()) throw refreshRejected("this editor's registration with IAM Identity Center has expired");
      tokens = await this.call(settings, undefined, () => this.options.sso().createToken(targets(settings).oidc, registration, { grantType: 'refresh_token', refreshToken: session.refreshToken! }, clock.now()), 'refresh');
      // The refresh token rotates: the old one is spent, so the new one is kept whatever follows.
      await keep({ ...session, refreshToken: tokens.refreshToken ?? session.refreshToken, sso: { ...sso, accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.expiresAt } });
    }
    return this.mint(settings, tokens, { accountId: sso.accountId, roleName: sso.roleName }, session, admit, 'refresh');
  }

  async signOut(session: Session): Promise<void> {
    const checked = this.options.settings();
    if (!checked.ok || !session.sso) return;
    try {
      await this.options.sso().logout(targets(checked.value).portal, session.sso.accessToken);
      this.options.log.info('Signed out of IAM Identity Center.');
    } catch (error) {
      this.options.log.debug(`IAM Identity Center did not sign out: ${error instanceof Error ? error.name : String(error)}`);
    }
  }

  /** At sign-out: the next sign-in asks for the account and role again (another user may sign in). */
  forget(): void {
    void this.options.remembered.clear();
  }

  /** The registration for this start URL and redirect URI: the saved one while it lasts, else a new one. */
  /** `redirectUri` undefined: a registration for the device code. */
  private async registration(settings: IdentityCenterSettings, redirectUri: string | undefined): Promise<SsoModule.Registration> {
    const { registrations, clock, log } = this.options;
    const saved = await registrations.get(settings.startUrl);
    if (saved && saved.redirectUri === redirectUri && saved.expiresAt - clock.now() > 86_400_000) return saved;
    log.info(`Registering with IAM Identity Center at ${settings.startUrl}${saved ? ' again (the saved registration has expired or is for another redirect)' : ''}.`);
    const registration = await this.call(settings, undefined, () => this.options.sso().registerClient(targets(settings).oidc, { clientName: CLIENT_NAME, startUrl: settings.startUrl, redirectUri }));
    await registrations.set(settings.startUrl, registration);
    return registration;
  }

  /** The account and role: the settings', else the user's earlier choice, else a choice now (`beforeAsking` first). */
  private async choice(settings: IdentityCenterSettings, accessToken: string, beforeAsking?: () => void): Promise<RoleChoice> {
    if (settings.accountId && settings.roleName) return { accountId: settings.accountId, roleName: settings.roleName };
    const remembered = this.options.remembered.get(settings.startUrl);
    const fits = (c: RoleChoice) => (!settings.accountId || c.accountId === settings.accountId) && (!settings.roleName || c.roleName === settings.roleName);
    if (remembered && fits(remembered)) return remembered;
    const all = await this.call(settings, undefined, () => this.options.sso().listAccountsAndRoles(targets(settings).portal, accessToken));
    const choices = all
      .filter((a) => !settings.accountId || a.accountId === settings.accountId)
      .map((a) => ({ ...a, roles: a.roles.filter((r) => !settings.roleName || r === settings.roleName) }))
      .filter((a) => a.roles.length > 0);
    if (choices.length === 0) {
      const which = settings.accountId || settings.roleName ? ` matching claudeBedrock.ssoAccountId / ssoRoleName (${settings.accountId ?? 'any account'}, ${settings.roleName ?? 'any role'})` : '';
      throw new Failure('ssoNoAccess', `IAM Identity Center gives you no AWS account and permission set${which}. Ask your platform team to assign you one for Claude Code, then sign in again.`, [{ kind: 'signIn' }]);
    }
    const only = choices.length === 1 && choices[0].roles.length === 1 ? { accountId: choices[0].accountId, roleName: choices[0].roles[0] } : undefined;
    if (!only) beforeAsking?.();
    const picked = only ?? (await this.options.choose(choices));
    if (!picked) throw cancelled();
    await this.options.remembered.set(settings.startUrl, picked);
    return picked;
  }

  /** Role keys for the choice, who they belong to, the quota gate, and the session. */
  private async mint(settings: IdentityCenterSettings, tokens: SsoModule.SsoTokens, choice: RoleChoice, previous: Session | undefined, admit: Admit, step?: 'refresh'): Promise<Session> {
    const { log, clock } = this.options;
    log.info(`Requesting AWS credentials for ${choice.roleName} in account ${choice.accountId} from IAM Identity Center.`);
    const keys = await this.call(settings, choice, () => this.options.sso().getRoleCredentials(targets(settings).portal, tokens.accessToken, choice.accountId, choice.roleName), step).catch(async (error: unknown) => {
      // Refused: the next sign-in asks again rather than trying the same choice.
      if (error instanceof Failure && error.kind === 'ssoNoAccess') await this.options.remembered.clear();
      throw error;
    });
    const stsEndpoint = stsEndpointFor(settings.region, settings.stsEndpoint);
    const me = await this.options.sts().getCallerIdentity({ region: settings.region, endpoint: stsEndpoint, timeoutMs: settings.requestTimeout * 1000 }, keys);
    const identity = identityFromRoleArn(me.arn);
    // No ID token here: the new keys sign the quota service's question (SigV4, execute-api).
    await admit({ subject: identity.subject, idToken: undefined, credentials: keys });
    log.info(`AWS credentials for ${me.arn} valid until ${keys.expiration}.`);
    const now = clock.now();
    return {
      version: 2,
      flow: this.id,
      binding: this.bind(settings),
      issuer: settings.startUrl,
      region: settings.region,
      identity,
      credentials: keys,
      assumedRoleArn: me.arn,
      idToken: undefined,
      idTokenExpiresAt: undefined,
      refreshToken: tokens.refreshToken ?? previous?.refreshToken,
      signedInAt: previous?.signedInAt ?? now,
      refreshedAt: now,
      savedAt: now,
      sso: { accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.expiresAt, accountId: choice.accountId, roleName: choice.roleName },
    };
  }

  /** One call to Identity Center, its failure as a sentence (and the details in the log). */
  /** `step` 'refresh': a renewal's call (a refused token means a new sign-in); else a sign-in's. */
  private async call<T>(settings: IdentityCenterSettings, choice: RoleChoice | undefined, work: () => Promise<T>, step?: 'refresh'): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Failure) throw error;
      const failure = ssoFailure(error, { ...errorContext(settings, choice), step });
      this.options.log.error(`IAM Identity Center failed (${failure.kind})`, error);
      throw failure;
    }
  }
}
