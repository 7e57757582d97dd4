// The settings that decide where a sign-in goes, and how to check them. Pure: no vscode here,
// so the rules are unit-tested on their own. config.ts reads the raw values from VS Code.

/** Every setting lives under this section: `claudeBedrock.<key>`. */
export const SECTION = 'claudeBedrock';

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

export type SignInKey = keyof SignInSettings;

/** Raw values as read from settings and org defaults, before checking. */
export type RawSettings = Partial<Record<SignInKey, unknown>>;

export interface SettingProblem {
  /** Full setting id, e.g. `claudeBedrock.issuer`: the Open Settings button searches for it. */
  readonly setting: string;
  /** What is wrong, as the second half of a sentence: "is not set." */
  readonly problem: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: SettingProblem[] };

export const DEFAULTS = {
  scopes: 'openid email profile offline_access',
  region: 'us-east-1',
  redirectPort: 8400,
  sessionDuration: 3600,
  signInTimeout: 300,
  requestTimeout: 15,
} as const;

const REQUEST_TIMEOUT_MAX = 120;

export const SESSION_DURATION_MIN = 900;
export const SESSION_DURATION_MAX = 43200;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function settingId(key: string): string {
  return `${SECTION}.${key}`;
}

/** True for hosts that never leave the machine: the only place plain http is acceptable. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function checkUrl(key: string, value: string, problems: SettingProblem[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ setting: settingId(key), problem: `is not a valid URL ("${value}").` });
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  problems.push({ setting: settingId(key), problem: `must be an https:// URL ("${value}").` });
}

function integer(
  key: SignInKey,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  problems: SettingProblem[],
): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push({ setting: settingId(key), problem: `must be a whole number from ${min} to ${max} (it is ${JSON.stringify(value)}).` });
    return fallback;
  }
  return n;
}

/** The request timeout every network call shares (sign-in, model check, usage). */
function checkRequestTimeout(value: unknown, problems: SettingProblem[]): number {
  return integer('requestTimeout', value, DEFAULTS.requestTimeout, 1, REQUEST_TIMEOUT_MAX, problems);
}

/** Checks raw values and fills defaults. Every problem is reported, not just the first. */
export function checkSignInSettings(raw: RawSettings): Checked<SignInSettings> {
  const problems: SettingProblem[] = [];

  const issuer = text(raw.issuer);
  if (!issuer) problems.push({ setting: settingId('issuer'), problem: 'is not set. Your platform team provides the issuer URL of your identity provider.' });
  else checkUrl('issuer', issuer, problems);

  const clientId = text(raw.clientId);
  if (!clientId) problems.push({ setting: settingId('clientId'), problem: 'is not set. Your platform team provides the client ID registered at your identity provider.' });

  const scopes = text(raw.scopes) || DEFAULTS.scopes;
  if (!scopes.split(/\s+/).includes('openid')) {
    problems.push({ setting: settingId('scopes'), problem: `must include "openid" (it is "${scopes}").` });
  }

  const roleArn = text(raw.roleArn);
  if (!roleArn) problems.push({ setting: settingId('roleArn'), problem: 'is not set. Your platform team provides the ARN of the IAM role to assume.' });
  else if (!ROLE_ARN.test(roleArn)) {
    problems.push({ setting: settingId('roleArn'), problem: `is not an IAM role ARN like arn:aws:iam::123456789012:role/Name (it is "${roleArn}").` });
  }

  const region = text(raw.region) || DEFAULTS.region;
  if (!REGION.test(region)) problems.push({ setting: settingId('region'), problem: `is not an AWS region like us-east-1 (it is "${region}").` });

  const redirectPort = integer('redirectPort', raw.redirectPort, DEFAULTS.redirectPort, 1024, 65535, problems);
  const sessionDuration = integer(
    'sessionDuration',
    raw.sessionDuration,
    DEFAULTS.sessionDuration,
    SESSION_DURATION_MIN,
    SESSION_DURATION_MAX,
    problems,
  );
  const signInTimeout = integer('signInTimeout', raw.signInTimeout, DEFAULTS.signInTimeout, 1, 3600, problems);
  const requestTimeout = checkRequestTimeout(raw.requestTimeout, problems);

  const stsEndpoint = text(raw.stsEndpoint) || undefined;
  if (stsEndpoint) checkUrl('stsEndpoint', stsEndpoint, problems);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { issuer, clientId, scopes, roleArn, region, redirectPort, sessionDuration, stsEndpoint, signInTimeout, requestTimeout },
  };
}

/** How terminals get the session's AWS credentials. */
export type CredentialMode = 'endpoint' | 'environment';

export interface TerminalSettings {
  readonly region: string;
  /** Primary model (ANTHROPIC_MODEL): an inference profile ID or ARN. */
  readonly model: string;
  /** The fast model Claude Code uses for small tasks (ANTHROPIC_DEFAULT_HAIKU_MODEL). */
  readonly smallFastModel: string;
  readonly smallFastModelRegion: string | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly maxThinkingTokens: number | undefined;
  /** Bedrock endpoint (PrivateLink / VPC endpoint): ANTHROPIC_BEDROCK_BASE_URL. */
  readonly bedrockEndpoint: string | undefined;
  readonly credentialMode: CredentialMode;
  /** OpenTelemetry collector for usage attribution; undefined: telemetry off. */
  readonly telemetryEndpoint: string | undefined;
  readonly telemetryProtocol: 'http/protobuf' | 'http/json' | 'grpc';
}

export type TerminalKey =
  | 'region'
  | 'model'
  | 'smallFastModel'
  | 'smallFastModelRegion'
  | 'maxOutputTokens'
  | 'maxThinkingTokens'
  | 'bedrockEndpoint'
  | 'terminalCredentials'
  | 'telemetryEndpoint'
  | 'telemetryProtocol';

export type RawTerminalSettings = Partial<Record<TerminalKey, unknown>>;

/** The model IDs Claude Code on Bedrock defaults to, as cross-region inference profiles. */
export const DEFAULT_MODELS = {
  model: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  smallFastModel: 'anthropic.claude-haiku-4-5-20251001-v1:0',
} as const;

/** The inference-profile geography prefix for a region: us., eu., apac., else global. */
export function geographyPrefix(region: string): 'us' | 'eu' | 'apac' | 'global' {
  if (/^(us|ca)-/.test(region)) return 'us';
  if (/^eu-/.test(region)) return 'eu';
  if (/^ap-/.test(region)) return 'apac';
  return 'global';
}

const TELEMETRY_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

function optionalInteger(key: TerminalKey, value: unknown, max: number, problems: SettingProblem[]): number | undefined {
  if (value === undefined || value === null || value === '' || value === 0) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    problems.push({ setting: settingId(key), problem: `must be a whole number from 1 to ${max}, or 0 for Claude Code's default (it is ${JSON.stringify(value)}).` });
    return undefined;
  }
  return n;
}

export function checkTerminalSettings(raw: RawTerminalSettings): Checked<TerminalSettings> {
  const problems: SettingProblem[] = [];
  const region = text(raw.region) || DEFAULTS.region;
  if (!REGION.test(region)) problems.push({ setting: settingId('region'), problem: `is not an AWS region like us-east-1 (it is "${region}").` });
  const geography = geographyPrefix(region);
  const model = text(raw.model) || `${geography}.${DEFAULT_MODELS.model}`;
  const smallFastModel = text(raw.smallFastModel) || `${geography}.${DEFAULT_MODELS.smallFastModel}`;
  const smallFastModelRegion = text(raw.smallFastModelRegion) || undefined;
  if (smallFastModelRegion && !REGION.test(smallFastModelRegion)) {
    problems.push({ setting: settingId('smallFastModelRegion'), problem: `is not an AWS region like us-east-1 (it is "${smallFastModelRegion}").` });
  }
  const maxOutputTokens = optionalInteger('maxOutputTokens', raw.maxOutputTokens, 1_000_000, problems);
  const maxThinkingTokens = optionalInteger('maxThinkingTokens', raw.maxThinkingTokens, 1_000_000, problems);
  const bedrockEndpoint = text(raw.bedrockEndpoint) || undefined;
  if (bedrockEndpoint) checkUrl('bedrockEndpoint', bedrockEndpoint, problems);
  const mode = text(raw.terminalCredentials) || 'endpoint';
  if (mode !== 'endpoint' && mode !== 'environment') {
    problems.push({ setting: settingId('terminalCredentials'), problem: `must be "endpoint" or "environment" (it is "${mode}").` });
  }
  const telemetryEndpoint = text(raw.telemetryEndpoint) || undefined;
  if (telemetryEndpoint) checkUrl('telemetryEndpoint', telemetryEndpoint, problems);
  const protocol = text(raw.telemetryProtocol) || 'http/protobuf';
  if (!(TELEMETRY_PROTOCOLS as readonly string[]).includes(protocol)) {
    problems.push({ setting: settingId('telemetryProtocol'), problem: `must be one of ${TELEMETRY_PROTOCOLS.join(', ')} (it is "${protocol}").` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      region,
      model,
      smallFastModel,
      smallFastModelRegion,
      maxOutputTokens,
      maxThinkingTokens,
      bedrockEndpoint,
      credentialMode: mode as CredentialMode,
      telemetryEndpoint,
      telemetryProtocol: protocol as TerminalSettings['telemetryProtocol'],
    },
  };
}

/** What the model check needs: the region, both models, and where Bedrock's control plane is. */
export interface ModelSettings {
  readonly region: string;
  readonly model: string;
  readonly smallFastModel: string;
  /** Bedrock control-plane endpoint (VPC endpoint); the regional public one when undefined. */
  readonly controlEndpoint: string | undefined;
  /** Seconds to wait for each answer. */
  readonly requestTimeout: number;
}

export function checkModelSettings(raw: RawTerminalSettings & { bedrockControlEndpoint?: unknown; requestTimeout?: unknown }): Checked<ModelSettings> {
  const problems: SettingProblem[] = [];
  const region = text(raw.region) || DEFAULTS.region;
  if (!REGION.test(region)) problems.push({ setting: settingId('region'), problem: `is not an AWS region like us-east-1 (it is "${region}").` });
  const geography = geographyPrefix(region);
  const controlEndpoint = text(raw.bedrockControlEndpoint) || undefined;
  if (controlEndpoint) checkUrl('bedrockControlEndpoint', controlEndpoint, problems);
  const requestTimeout = checkRequestTimeout(raw.requestTimeout, problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      region,
      model: text(raw.model) || `${geography}.${DEFAULT_MODELS.model}`,
      smallFastModel: text(raw.smallFastModel) || `${geography}.${DEFAULT_MODELS.smallFastModel}`,
      controlEndpoint,
      requestTimeout,
    },
  };
}

/** The Bedrock control-plane endpoint a region uses unless one is configured. */
export function bedrockControlEndpointFor(region: string, endpoint: string | undefined): string {
  if (endpoint) return endpoint;
  return `https://bedrock.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
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

export type UsageKey =
  | 'region'
  | 'cloudWatchEndpoint'
  | 'usageNamespace'
  | 'usageTokenMetric'
  | 'usageCostMetric'
  | 'usageEmailDimension'
  | 'usageLibraryDimension'
  | 'quotaApiUrl'
  | 'monthlyTokenLimit'
  | 'dailyTokenLimit'
  | 'monthlyCostLimit'
  | 'usageWarningPercent'
  | 'usageErrorPercent'
  | 'usageRefreshMinutes'
  | 'requestTimeout';

export const USAGE_DEFAULTS = {
  namespace: 'ClaudeCode',
  tokenMetric: 'claude_code.token.usage',
  costMetric: 'claude_code.cost.usage',
  emailDimension: 'user.email',
  libraryDimension: 'OTelLib',
  warningPercent: 80,
  errorPercent: 95,
  refreshMinutes: 5,
} as const;

function positiveNumber(key: string, value: unknown, fallback: number | undefined, min: number, max: number, problems: SettingProblem[]): number | undefined {
  if (value === undefined || value === null || value === '' || value === 0) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    problems.push({ setting: settingId(key), problem: `must be a number from ${min} to ${max} (it is ${JSON.stringify(value)}).` });
    return fallback;
  }
  return n;
}

export function checkUsageSettings(raw: Partial<Record<UsageKey, unknown>>): Checked<UsageSettings> {
  const problems: SettingProblem[] = [];
  const region = text(raw.region) || DEFAULTS.region;
  if (!REGION.test(region)) problems.push({ setting: settingId('region'), problem: `is not an AWS region like us-east-1 (it is "${region}").` });
  const cloudWatchEndpoint = text(raw.cloudWatchEndpoint) || undefined;
  if (cloudWatchEndpoint) checkUrl('cloudWatchEndpoint', cloudWatchEndpoint, problems);
  const quotaApiUrl = text(raw.quotaApiUrl) || undefined;
  if (quotaApiUrl) checkUrl('quotaApiUrl', quotaApiUrl, problems);
  const warningPercent = positiveNumber('usageWarningPercent', raw.usageWarningPercent, USAGE_DEFAULTS.warningPercent, 1, 100, problems)!;
  const errorPercent = positiveNumber('usageErrorPercent', raw.usageErrorPercent, USAGE_DEFAULTS.errorPercent, 1, 100, problems)!;
  if (errorPercent < warningPercent) {
    problems.push({ setting: settingId('usageErrorPercent'), problem: `must not be lower than claudeBedrock.usageWarningPercent (${warningPercent}).` });
  }
  const value = {
    region,
    cloudWatchEndpoint,
    namespace: text(raw.usageNamespace) || USAGE_DEFAULTS.namespace,
    tokenMetric: text(raw.usageTokenMetric) || USAGE_DEFAULTS.tokenMetric,
    costMetric: text(raw.usageCostMetric) || USAGE_DEFAULTS.costMetric,
    emailDimension: text(raw.usageEmailDimension) || USAGE_DEFAULTS.emailDimension,
    libraryDimension: text(raw.usageLibraryDimension) || USAGE_DEFAULTS.libraryDimension,
    quotaApiUrl,
    monthlyTokenLimit: positiveNumber('monthlyTokenLimit', raw.monthlyTokenLimit, undefined, 1, 1e13, problems),
    dailyTokenLimit: positiveNumber('dailyTokenLimit', raw.dailyTokenLimit, undefined, 1, 1e13, problems),
    monthlyCostLimit: positiveNumber('monthlyCostLimit', raw.monthlyCostLimit, undefined, 0.01, 1e9, problems),
    warningPercent,
    errorPercent,
    refreshMinutes: positiveNumber('usageRefreshMinutes', raw.usageRefreshMinutes, USAGE_DEFAULTS.refreshMinutes, 0.1, 1440, problems)!,
    requestTimeout: checkRequestTimeout(raw.requestTimeout, problems),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

/** The CloudWatch endpoint a region uses unless one is configured. */
export function cloudWatchEndpointFor(region: string, endpoint: string | undefined): string {
  if (endpoint) return endpoint;
  return `https://monitoring.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}
