// What the credentials helper and a VS Code window say to each other over the windows' channel.
// Shared by both sides (broker.ts answers, src/helper/main.ts asks). Types and names only.

export const CALLS = {
  /** The session's current keys. */
  credentials: 'claudeCode.credentials',
  /** Whether the keys are ready now (no sign-in needed). */
  status: 'claudeCode.status',
  /** Signs in (silently when it can, else in the browser) and answers when done. */
  signIn: 'claudeCode.signIn',
  /** The OpenTelemetry headers that attribute usage to the signed-in user. */
  otelHeaders: 'claudeCode.otelHeaders',
  /** What Claude Code's status line shows: who, whether the keys are ready, quota, today's usage. */
  statusLine: 'claudeCode.statusLine',
} as const;

/** Keys as Claude Code's awsCredentialExport expects them. */
export interface ExportedKeys {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  readonly Expiration: string;
}

export type CredentialsAnswer = { readonly keys: ExportedKeys } | { readonly none: string };
/** `blocked`: the quota service refuses keys; a sign-in would not help. */
export type StatusAnswer = { readonly ready: true } | { readonly ready: false; readonly why: string; readonly blocked?: boolean };
export type SignInAnswer = { readonly ok: true; readonly who: string } | { readonly ok: false; readonly why: string };
export type OtelHeadersAnswer = { readonly headers: Readonly<Record<string, string>> };

/** What the helper's `statusline` prints, as facts: the helper puts them into words. */
export interface StatusLineAnswer {
  /** Who is signed in; undefined: not signed in. */
  readonly who: string | undefined;
  /** Short words when the keys are not ready ("signed out", "sign-in needed", "blocked by quota"); "" when ready. */
  readonly state: string;
  /** The quota headroom in short words ("62% quota left"), where the organisation's figures exist. */
  readonly quota: string | undefined;
  /** Today on this machine, from Claude Code's own records; cost undefined: a price unknown. */
  readonly today: { readonly tokens: number; readonly cost: number | undefined } | undefined;
  /** When the keys expire and get renewed (epoch ms). */
  readonly renewsAt: number | undefined;
}
