// The identity provider's client: one discovery per issuer, client and timeout, reused by
// sign-in, renewal and sign-out; a failed discovery is tried again next time. openid-client
// itself (oidc.ts) is a separate bundle, loaded on first use through the loader passed in.
import type { OidcSettings } from '../config/groups';
import { oidcFailure, type ErrorContext } from '../errors/explain';
import type { Log } from '../log';
import type * as OidcModule from './oidc';

/** Allowed difference between this machine's clock and the IdP's when checking ID tokens. */
const CLOCK_TOLERANCE_SECONDS = 120;

export type OidcClient = OidcModule.OidcClient;
export type IdTokens = OidcModule.IdTokens;

export class IdpClients {
  private cached: { key: string; client: Promise<OidcClient> } | undefined;

  constructor(
    private readonly load: () => typeof OidcModule,
    private readonly log: Log,
  ) {}

  /** The client for these settings, discovering the IdP's endpoints the first time. */
  client(settings: OidcSettings, ctx: ErrorContext): Promise<OidcClient> {
    const key = `${settings.issuer}\n${settings.clientId}\n${settings.requestTimeout}`;
    if (this.cached?.key !== key) {
      const client = Promise.resolve()
        .then(() =>
          this.load().discover({
            issuer: settings.issuer,
            clientId: settings.clientId,
            timeoutSeconds: settings.requestTimeout,
            clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
          }),
        )
        .catch((error: unknown) => {
          if (this.cached?.key === key) this.cached = undefined;
          const failure = oidcFailure(error, 'discovery', ctx);
          this.log.error(`Discovery at ${settings.issuer} failed (${failure.kind})`, error);
          throw failure;
        });
      this.cached = { key, client };
    }
    return this.cached.client;
  }

  /** The next sign-in discovers afresh. */
  reset(): void {
    this.cached = undefined;
  }
}
