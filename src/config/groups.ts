// The settings each part of the extension reads, checked together: sign-in, terminals, the
// model check, usage. Each group is read from the one table (settings.ts). Pure.
import * as s from './settings';
import { pinsFor, policyFrom, type ModelPins, type ModelPolicy } from './modelPolicy';
import type { Checked, Setting, SettingProblem } from './rules';

export { DEFAULT_MODELS, geographyPrefix, profilePrefix, type ModelPins, type ModelPolicy } from './modelPolicy';

/** Where raw values come from: VS Code's settings (config.ts), or a plain object in tests. */
export type RawSource = ((key: string) => unknown) | Readonly<Record<string, unknown>>;

function reader(raw: RawSource) {
  const lookup = typeof raw === 'function' ? raw : (key: string) => raw[key];
  const problems: SettingProblem[] = [];
  const read = <T>(setting: Setting<T>): T => setting.read(lookup(setting.key), problems);
  const done = <T>(value: T): Checked<T> => (problems.length > 0 ? { ok: false, problems } : { ok: true, value });
  return { read, problems, done };
}

export const DEFAULTS = {
  scopes: s.scopes.schema.default as string,
  region: s.region.schema.default as string,
  redirectPort: s.redirectPort.schema.default as number,
  sessionDuration: s.sessionDuration.schema.default as number,
  signInTimeout: s.signInTimeout.schema.default as number,
  requestTimeout: s.requestTimeout.schema.default as number,
} as const;

export interface SignInSettings {
  /** OpenID Connect issuer URL, exactly as the IdP publishes it (trailing slash matters). */
  readonly issuer: string;
  readonly clientId: string;
  /** Space-separated OAuth scopes. */
  readonly scopes: string;
  readonly roleArn: string;
  readonly region: string;
  /** Fixed loopback port of the redirect URI registered at the IdP. */
  readonly redirectPort: number;
  /** STS session duration in seconds. */
  readonly sessionDuration: number;
  /** Optional STS endpoint (VPC endpoint); undefined means the regional public endpoint. */
  readonly stsEndpoint: string | undefined;
  /** How long to wait for the browser to come back, in seconds. */
  readonly signInTimeout: number;
  /** How long to wait for an answer from the IdP or AWS, in seconds. */
  readonly requestTimeout: number;
}

/** The OpenID Connect part of a sign-in, whatever turns the ID token into AWS keys. */
export type OidcSettings = Pick<SignInSettings, 'issuer' | 'clientId' | 'scopes' | 'region' | 'redirectPort' | 'signInTimeout' | 'requestTimeout'>;

/** Checks raw values and fills defaults. Every problem is reported, not just the first. */
export function checkSignInSettings(raw: RawSource): Checked<SignInSettings> {
  const { read, done } = reader(raw);
  return done({
    issuer: read(s.issuer) ?? '',
    clientId: read(s.clientId),
    scopes: read(s.scopes),
    roleArn: read(s.roleArn),
    region: read(s.region),
    redirectPort: read(s.redirectPort),
    sessionDuration: read(s.sessionDuration),
    stsEndpoint: read(s.stsEndpoint),
    signInTimeout: read(s.signInTimeout),
    requestTimeout: read(s.requestTimeout),
  });
}

/** How terminals get the session's AWS credentials. */
export type TerminalCredentialsMode = 'endpoint' | 'environment';

export interface TerminalSettings extends ModelPins, ModelPolicy {
  readonly region: string;
  readonly smallFastModelRegion: string | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly maxThinkingTokens: number | undefined;
  /** Bedrock endpoint (PrivateLink / VPC endpoint): ANTHROPIC_BEDROCK_BASE_URL. */
  readonly bedrockEndpoint: string | undefined;
  readonly terminalCredentials: TerminalCredentialsMode;
  /** OpenTelemetry collector for usage attribution; undefined: telemetry off. */
  readonly telemetryEndpoint: string | undefined;
  readonly telemetryProtocol: 'http/protobuf' | 'http/json' | 'grpc';
}

export function checkTerminalSettings(raw: RawSource): Checked<TerminalSettings> {
  const { read, done } = reader(raw);
  const region = read(s.region);
  return done({
    region,
    ...pinsFor(region, read),
    ...policyFrom(read),
    smallFastModelRegion: read(s.smallFastModelRegion) || undefined,
    maxOutputTokens: read(s.maxOutputTokens),
    maxThinkingTokens: read(s.maxThinkingTokens),
    bedrockEndpoint: read(s.bedrockEndpoint),
    terminalCredentials: read(s.terminalCredentials),
    telemetryEndpoint: read(s.telemetryEndpoint),
    telemetryProtocol: read(s.telemetryProtocol),
  });
}

/** What the model check needs: the region, every pinned model and the overrides' profiles, and where Bedrock's control plane is. */
export interface ModelSettings extends ModelPins, ModelPolicy {
  readonly region: string;
  /** Bedrock control-plane endpoint (VPC endpoint); the regional public one when undefined. */
  readonly controlEndpoint: string | undefined;
  /** Seconds to wait for each answer. */
  readonly requestTimeout: number;
}

export function checkModelSettings(raw: RawSource): Checked<ModelSettings> {
  const { read, done } = reader(raw);
  const region = read(s.region);
  return done({
    region,
    ...pinsFor(region, read),
    ...policyFrom(read),
    controlEndpoint: read(s.bedrockControlEndpoint),
    requestTimeout: read(s.requestTimeout),
  });
}

/** Where usage and limits come from, and how the indicator behaves. */
export interface UsageSettings {
  readonly region: string;
  /** CloudWatch endpoint (VPC endpoint); the regional public one when undefined. */
  readonly cloudWatchEndpoint: string | undefined;
  readonly namespace: string;
  readonly tokenMetric: string;
  readonly costMetric: string;
  readonly emailDimension: string;
  readonly libraryDimension: string;
  /** The guidance's quota API; limits come from settings when undefined. */
  readonly quotaApiUrl: string | undefined;
  readonly monthlyTokenLimit: number | undefined;
  readonly dailyTokenLimit: number | undefined;
  readonly monthlyCostLimit: number | undefined;
  readonly warningPercent: number;
  readonly errorPercent: number;
  readonly refreshMinutes: number;
  /** Seconds to wait for each answer (CloudWatch, the quota API). */
  readonly requestTimeout: number;
}

export function checkUsageSettings(raw: RawSource): Checked<UsageSettings> {
  const { read, problems, done } = reader(raw);
  const region = read(s.region);
  const cloudWatchEndpoint = read(s.cloudWatchEndpoint);
  const quotaApiUrl = read(s.quotaApiUrl);
  const warningPercent = read(s.usageWarningPercent);
  const errorPercent = read(s.usageErrorPercent);
  if (errorPercent < warningPercent) {
    problems.push({ setting: 'claudeBedrock.usageErrorPercent', problem: `must not be lower than claudeBedrock.usageWarningPercent (${warningPercent}).` });
  }
  return done({
    region,
    cloudWatchEndpoint,
    namespace: read(s.usageNamespace),
    tokenMetric: read(s.usageTokenMetric),
    costMetric: read(s.usageCostMetric),
    emailDimension: read(s.usageEmailDimension),
    libraryDimension: read(s.usageLibraryDimension),
    quotaApiUrl,
    monthlyTokenLimit: read(s.monthlyTokenLimit),
    dailyTokenLimit: read(s.dailyTokenLimit),
    monthlyCostLimit: read(s.monthlyCostLimit),
    warningPercent,
    errorPercent,
    refreshMinutes: read(s.usageRefreshMinutes),
    requestTimeout: read(s.requestTimeout),
  });
}

/** Usage on this machine, from Claude Code's own session records (usage/localUsage.ts). */
export interface LocalUsageSettings {
  readonly read: boolean;
  /** USD a day on this machine before one notification; undefined: none. */
  readonly dailyBudget: number | undefined;
  /** USD one session may spend within an hour before one notification; undefined: none. */
  readonly sessionHourlyAlert: number | undefined;
  /** Multiplies list prices (a negotiated rate). */
  readonly priceFactor: number;
}

export function checkLocalUsageSettings(raw: RawSource): Checked<LocalUsageSettings> {
  const { read, done } = reader(raw);
  return done({ read: read(s.localUsage) === 'records', dailyBudget: read(s.dailyBudget), sessionHourlyAlert: read(s.sessionHourlyAlert), priceFactor: read(s.priceFactor) });
}

/** The quota gate: the quota API asked before every mint and every few minutes (quota/gate.ts). */
export interface QuotaGateSettings {
  readonly url: string | undefined;
  readonly recheckMinutes: number;
  readonly failMode: 'open' | 'closed';
}

export function checkQuotaSettings(raw: RawSource): Checked<QuotaGateSettings> {
  const { read, done } = reader(raw);
  return done({ url: read(s.quotaApiUrl), recheckMinutes: read(s.quotaRecheckMinutes), failMode: read(s.quotaFailMode) });
}

/** Which flow turns the ID token into AWS credentials. */
export type Federation = 'direct' | 'cognitoIdentityPool' | 'identityCenter';

export function federationOf(raw: RawSource): Federation {
  const { read } = reader(raw);
  return read(s.federation);
}

/** Sign-in through a Cognito identity pool: the OpenID Connect part, then the pool. */
export interface CognitoSignInSettings extends OidcSettings {
  readonly identityPoolId: string;
  /** The pool's name for the identity provider; undefined: from the ID token's issuer. */
  readonly loginKey: string | undefined;
  /** Optional Cognito Identity endpoint (VPC endpoint); undefined means the regional public one. */
  readonly cognitoEndpoint: string | undefined;
  /** STS, asked who the pool's keys belong to (Show Account, Diagnose). */
  readonly stsEndpoint: string | undefined;
}

export function checkCognitoSettings(raw: RawSource): Checked<CognitoSignInSettings> {
  const { read, problems, done } = reader(raw);
  const identityPoolId = read(s.identityPoolId);
  if (!identityPoolId) {
    problems.push({ setting: 'claudeBedrock.identityPoolId', problem: 'is not set. Your platform team provides the ID of the Cognito identity pool (claudeBedrock.federation is cognitoIdentityPool).' });
  }
  return done({
    issuer: read(s.issuer) ?? '',
    clientId: read(s.clientId),
    scopes: read(s.scopes),
    region: read(s.region),
    redirectPort: read(s.redirectPort),
    signInTimeout: read(s.signInTimeout),
    requestTimeout: read(s.requestTimeout),
    identityPoolId,
    loginKey: read(s.cognitoLoginKey) || undefined,
    cognitoEndpoint: read(s.cognitoEndpoint),
    stsEndpoint: read(s.stsEndpoint),
  });
}

/** Sign-in through IAM Identity Center: the instance, and the account and permission set if fixed. */
export interface IdentityCenterSettings {
  readonly startUrl: string;
  /** The Identity Center instance's region. */
  readonly ssoRegion: string;
  /** Bedrock's (and the keys') region. */
  readonly region: string;
  readonly accountId: string | undefined;
  readonly roleName: string | undefined;
  readonly redirectPort: number;
  readonly signInTimeout: number;
  readonly requestTimeout: number;
  readonly oidcEndpoint: string | undefined;
  readonly portalEndpoint: string | undefined;
  /** The browser back to the loopback port, a code entered in any browser, or the first that can work here. */
  readonly signInMethod: 'auto' | 'browser' | 'deviceCode';
  /** STS, asked who the keys belong to (the user's name). */
  readonly stsEndpoint: string | undefined;
}

export function checkIdentityCenterSettings(raw: RawSource): Checked<IdentityCenterSettings> {
  const { read, problems, done } = reader(raw);
  const startUrl = read(s.ssoStartUrl);
  if (!startUrl) problems.push({ setting: 'claudeBedrock.ssoStartUrl', problem: 'is not set. Your platform team provides the AWS access portal URL of IAM Identity Center (claudeBedrock.federation is identityCenter).' });
  const region = read(s.region);
  return done({
    startUrl: startUrl ?? '',
    ssoRegion: read(s.ssoRegion) || region,
    region,
    accountId: read(s.ssoAccountId) || undefined,
    roleName: read(s.ssoRoleName) || undefined,
    redirectPort: read(s.redirectPort),
    signInTimeout: read(s.signInTimeout),
    requestTimeout: read(s.requestTimeout),
    oidcEndpoint: read(s.ssoOidcEndpoint),
    portalEndpoint: read(s.ssoPortalEndpoint),
    signInMethod: read(s.ssoSignInMethod),
    stsEndpoint: read(s.stsEndpoint),
  });
}

/** How Claude Code's own settings are connected to the sign-in. */
export interface ClaudeCodeSettings {
  readonly integration: 'ask' | 'always' | 'never';
}

export function checkClaudeCodeSettings(raw: RawSource): Checked<ClaudeCodeSettings> {
  const { read, done } = reader(raw);
  return done({ integration: read(s.claudeCodeIntegration) });
}
