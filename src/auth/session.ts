// The session: what one sign-in (and its renewals) produced, whatever the flow that made it.
// Pure: no vscode here.
import type { AwsCredentials } from '../aws/credentials';
import type { Identity } from './identity';

export interface Session {
  readonly version: 2;
  /** The flow that made it, and renews it (flows/). */
  readonly flow: string;
  /** The sign-in settings it belongs to, as its flow fingerprints them: other settings need a new sign-in. */
  readonly binding: string;
  /** Where the identity comes from, as the user knows it: the identity provider's issuer URL. */
  readonly issuer: string;
  readonly region: string;
  /** Who signed in: shown, and used for usage metrics and attribution. */
  readonly identity: Identity;
  /** The AWS keys, with their expiry. */
  readonly credentials: AwsCredentials;
  /** What AWS calls these keys: the assumed role's session ARN ('' when unknown). */
  readonly assumedRoleArn: string;
  /** The ID token, where the flow has one (the quota service reads it). */
  readonly idToken: string | undefined;
  /** Epoch milliseconds. */
  readonly idTokenExpiresAt: number | undefined;
  /** What renews the session without the browser, where the flow has it. */
  readonly refreshToken: string | undefined;
  /** Epoch milliseconds of the interactive sign-in, and of the last silent renewal. */
  readonly signedInAt: number;
  readonly refreshedAt: number;
  /** Epoch milliseconds of the last change (a renewal, a failed renewal): the newest change wins across windows. */
  readonly savedAt: number;
  /** Set when a silent renewal failed for good: the reason, in words. */
  readonly renewalFailed?: string;
  /** IAM Identity Center: the access token that gets role keys, and which account and role. */
  readonly sso?: {
    readonly accessToken: string;
    /** Epoch milliseconds. */
    readonly accessTokenExpiresAt: number;
    readonly accountId: string;
    readonly roleName: string;
  };
}

/** A flow's fingerprint of the settings a session belongs to. */
export function bindingOf(...parts: readonly string[]): string {
  return JSON.stringify(parts);
}

export function expiresAt(session: Session): number {
  return Date.parse(session.credentials.expiration);
}

/** Every secret value a session holds: what the log must never show. */
export function secretsOf(session: Session): string[] {
  const c = session.credentials;
  return [session.idToken, session.refreshToken, session.sso?.accessToken, c.accessKeyId, c.secretAccessKey, c.sessionToken].filter((v): v is string => Boolean(v));
}

function isCredentials(value: unknown): value is AwsCredentials {
  const c = value as Partial<AwsCredentials> | null | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.accessKeyId === 'string' &&
    typeof c.secretAccessKey === 'string' &&
    typeof c.sessionToken === 'string' &&
    !Number.isNaN(Date.parse(c.expiration ?? ''))
  );
}

/** True for a value shaped like a session (read back from storage, or handed over by another window). */
export function isSession(value: unknown): value is Session {
  const s = value as Partial<Session> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.version === 2 &&
    typeof s.flow === 'string' &&
    typeof s.binding === 'string' &&
    typeof s.identity?.subject === 'string' &&
    typeof s.savedAt === 'number' &&
    isCredentials(s.credentials)
  );
}

/** The session a stored value holds: this version's, or one stored by an earlier version of the extension. */
export function readSession(value: unknown): Session | undefined {
  if (isSession(value)) return value;
  // Version 1 knew one flow: OIDC with STS web identity, bound to issuer, client and role.
  const v1 = value as Partial<Omit<Session, 'version'>> & { version?: unknown; clientId?: unknown; roleArn?: unknown };
  if (v1?.version !== 1 || typeof v1.idToken !== 'string' || typeof v1.identity?.subject !== 'string' || !isCredentials(v1.credentials)) return undefined;
  if (typeof v1.issuer !== 'string' || typeof v1.clientId !== 'string' || typeof v1.roleArn !== 'string') return undefined;
  const refreshedAt = typeof v1.refreshedAt === 'number' ? v1.refreshedAt : 0;
  return {
    version: 2,
    flow: 'webIdentity',
    binding: bindingOf(v1.issuer, v1.clientId, v1.roleArn),
    issuer: v1.issuer,
    region: typeof v1.region === 'string' ? v1.region : '',
    identity: v1.identity,
    credentials: v1.credentials,
    assumedRoleArn: typeof v1.assumedRoleArn === 'string' ? v1.assumedRoleArn : '',
    idToken: v1.idToken,
    idTokenExpiresAt: typeof v1.idTokenExpiresAt === 'number' ? v1.idTokenExpiresAt : undefined,
    refreshToken: typeof v1.refreshToken === 'string' ? v1.refreshToken : undefined,
    signedInAt: typeof v1.signedInAt === 'number' ? v1.signedInAt : refreshedAt,
    refreshedAt,
    savedAt: refreshedAt,
    ...(typeof v1.renewalFailed === 'string' ? { renewalFailed: v1.renewalFailed } : {}),
  };
}

/**
 * What other windows may hear of a session (over the windows' channel): everything but what
 * renews it and proves who the user is to others. The ID token, the refresh token and Identity
 * Center's access token stay in SecretStorage and memory; a window that needs them reads its own
 * SecretStorage (store.ts), or asks a window that holds them to do the work.
 */
export type SharedSession = Omit<Session, 'idToken' | 'refreshToken' | 'sso'> & {
  readonly sso?: Omit<NonNullable<Session['sso']>, 'accessToken'>;
};

/** The session as other windows may hear it. */
export function shareable(session: Session): SharedSession {
  const { idToken: _idToken, refreshToken: _refreshToken, sso, ...rest } = session;
  if (!sso) return rest;
  const { accessToken: _accessToken, ...ssoRest } = sso;
  return { ...rest, sso: ssoRest };
}

/** True for a value shaped like a shared session (handed over by another window). */
export function isSharedSession(value: unknown): value is SharedSession {
  return isSession({ ...(value as object), idToken: undefined, refreshToken: undefined });
}

/** A session known only as shared: it cannot renew or prove anything here until its secrets are read. */
export function withoutSecrets(shared: SharedSession): Session {
  return { ...shared, idToken: undefined, refreshToken: undefined, sso: shared.sso ? { ...shared.sso, accessToken: '' } : undefined };
}
