// The session as stored: what one sign-in (and its renewals) produced. Pure: no vscode here.
import type { AwsCredentials } from '../aws/credentials';
import type { Identity } from './identity';

export interface StoredSession {
  readonly version: 1;
  /** The settings the session was made with; a change of any of them needs a new sign-in. */
  readonly issuer: string;
  readonly clientId: string;
  readonly roleArn: string;
  readonly region: string;
  readonly identity: Identity;
  readonly idToken: string;
  /** Epoch milliseconds. */
  readonly idTokenExpiresAt: number;
  readonly refreshToken: string | undefined;
  readonly credentials: AwsCredentials;
  readonly assumedRoleArn: string;
  /** Epoch milliseconds of the interactive sign-in, and of the last silent refresh. */
  readonly signedInAt: number;
  readonly refreshedAt: number;
  /** Set when a silent refresh failed for good: the reason, in words. */
  readonly renewalFailed?: string;
}

export function expiresAt(session: StoredSession): number {
  return Date.parse(session.credentials.expiration);
}

/** True for a value shaped like a stored session (read back from storage, or handed over by another window). */
export function isStoredSession(value: unknown): value is StoredSession {
  const s = value as Partial<StoredSession> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.version === 1 &&
    typeof s.idToken === 'string' &&
    typeof s.identity?.subject === 'string' &&
    typeof s.credentials?.accessKeyId === 'string' &&
    typeof s.credentials.secretAccessKey === 'string' &&
    typeof s.credentials.sessionToken === 'string' &&
    !Number.isNaN(Date.parse(s.credentials.expiration ?? ''))
  );
}
