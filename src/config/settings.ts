// Every setting of the extension, once: its rule (type, default, range, pattern), what the
// Settings editor says of it, and which parts of the extension react when it changes.
// package.json's `contributes.configuration` and src/config/orgDefaults.schema.json are
// generated from this table (`npm run settings`), and a unit test fails when they differ.
//
// All of them are machine-scoped: a user (or a remote machine) may set them, a workspace may
// not, so a repository's .vscode/settings.json cannot send a developer's sign-in elsewhere.
import { ANTHROPIC_MODEL_ID, MODEL_NAME, PROFILE_ARN, REGION } from './patterns';
import { amount, define, including, matching, oneOf, tokenCount, url, wholeNumber, wordList, wordMap, words, type Setting } from './rules';


export const issuer = define('issuer', url({ required: 'Your platform team provides the issuer URL of your identity provider.' }), {
  order: 1,
  affects: ['signIn'],
  description:
    'OpenID Connect issuer URL of your identity provider, exactly as it publishes it (Auth0 ends with `/`, Entra ID ends with `/v2.0`). Usually set by your platform team.',
});
export const clientId = define('clientId', words('', { required: 'Your platform team provides the client ID registered at your identity provider.' }), {
  order: 2,
  affects: ['signIn'],
  description: 'Client ID of the app registered at your identity provider (a public client with PKCE). Usually set by your platform team.',
});
export const scopes = define('scopes', including('openid', 'openid email profile offline_access', 'space-separated OAuth scopes that include openid'), {
  order: 3,
  affects: ['signIn'],
  description: 'Space-separated OAuth scopes requested at sign-in. `openid` is required; `offline_access` lets the session renew without the browser.',
});
export const roleArn = define(
  'roleArn',
  matching({
    pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$',
    example: 'an IAM role ARN like arn:aws:iam::123456789012:role/Name',
    fallback: '',
    required: 'Your platform team provides the ARN of the IAM role to assume.',
  }),
  { order: 4, affects: ['signIn'], description: 'ARN of the IAM role assumed with `AssumeRoleWithWebIdentity`, e.g. `arn:aws:iam::123456789012:role/ClaudeCodeBedrock`.' },
);
export const region = define('region', matching({ ...REGION, fallback: 'us-east-1' }), {
  order: 5,
  affects: ['signIn', 'terminals', 'models', 'usage'],
  description: 'AWS region for STS and Amazon Bedrock.',
});
export const redirectPort = define('redirectPort', wholeNumber(8400, 1024, 65535), {
  order: 6,
  affects: ['signIn'],
  description: 'Port of the sign-in redirect URI `http://127.0.0.1:<port>/callback`. It must match the redirect URI registered at your identity provider.',
});
export const sessionDuration = define('sessionDuration', wholeNumber(3600, 900, 43200), {
  order: 7,
  affects: ['signIn'],
  description:
    "Lifetime of the AWS credentials in seconds (900 to 43200); they renew automatically before they expire. The role's maximum session duration must allow it.",
});
export const stsEndpoint = define('stsEndpoint', url(), {
  order: 8,
  affects: ['signIn'],
  description: 'Optional STS endpoint URL, for a VPC interface endpoint. Empty uses `https://sts.<region>.amazonaws.com`.',
});
export const signInTimeout = define('signInTimeout', wholeNumber(300, 1, 3600), {
  order: 9,
  affects: ['signIn'],
  description: 'How long, in seconds, a sign-in waits for the browser to come back.',
});
export const requestTimeout = define('requestTimeout', wholeNumber(15, 1, 120), {
  order: 10,
  affects: ['signIn', 'models', 'usage'],
  description:
    'How long, in seconds, to wait for an answer from your identity provider or AWS (STS, Bedrock, CloudWatch, the quota API) before giving up. A sign-in gives STS twice this in all, retries included.',
});

export const model = define('model', words(''), {
  order: 20,
  affects: ['terminals', 'models'],
  description:
    "Model for Claude Code (`ANTHROPIC_MODEL`): an inference profile ID or ARN, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`. Empty: Claude Sonnet 4.5 through the profile of `regionPrefix`, else of the region's geography (`us.`, `eu.`, `apac.`, `us-gov.`, else `global.`).",
});
export const smallFastModel = define('smallFastModel', words(''), {
  order: 21,
  affects: ['terminals', 'models'],
  description:
    "Fast model Claude Code uses for small tasks (`ANTHROPIC_DEFAULT_HAIKU_MODEL`; Bedrock users must pin it). Empty: Claude Haiku 4.5 through the profile of `regionPrefix`, else of the region's geography.",
});
export const opusModel = define('opusModel', words(''), {
  order: 21.1,
  affects: ['terminals', 'models'],
  description:
    "What Claude Code's `opus` (the `/model opus` choice) runs on Bedrock (`ANTHROPIC_DEFAULT_OPUS_MODEL`): an inference profile ID or ARN. Unpinned, Claude Code takes the newest Opus, which the account may not have enabled. Empty: Claude Opus 4.6 through the profile of `regionPrefix`, else of the region's geography.",
});
export const sonnetModel = define('sonnetModel', words(''), {
  order: 21.2,
  affects: ['terminals', 'models'],
  description: "What Claude Code's `sonnet` runs on Bedrock (`ANTHROPIC_DEFAULT_SONNET_MODEL`): an inference profile ID or ARN. Empty: Claude Sonnet 4.5 through the profile of `regionPrefix`, else of the region's geography.",
});
export const fableModel = define('fableModel', words(''), {
  order: 21.25,
  affects: ['terminals', 'models'],
  description:
    "What Claude Code's `fable` (the `/model fable` choice) runs on Bedrock (`ANTHROPIC_DEFAULT_FABLE_MODEL`): an inference profile ID or ARN. Unpinned, Claude Code takes Claude Fable 5.2, a tier above Opus, which the account may not have enabled. Empty: the Opus pin (`opusModel`).",
});
export const availableModels = define('availableModels', wordList(MODEL_NAME), {
  order: 21.3,
  affects: ['terminals', 'models', 'claudeCode'],
  description:
    "The models Claude Code's `/model` picker offers (its `availableModels` setting, written by **Connect Claude Code**): family aliases (`opus`, `sonnet`, `haiku`), version prefixes (`opus-4-5`) or model IDs. Empty: Claude Code's own list.",
});
export const modelOverrides = define('modelOverrides', wordMap({ keys: ANTHROPIC_MODEL_ID, values: PROFILE_ARN }), {
  order: 21.4,
  affects: ['terminals', 'models', 'claudeCode'],
  description:
    "Routes model versions to your organisation's application inference profiles (Claude Code's `modelOverrides`, written by **Connect Claude Code**), so usage is allocated to the team that owns each profile: `{ \"claude-opus-4-5\": \"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123\" }`.",
});
export const promptCaching = define('promptCaching', oneOf(['5m', '1h', 'off']), {
  order: 21.5,
  affects: ['terminals', 'models'],
  description: 'How long Claude Code asks Bedrock to keep its prompt cache. A 1-hour cache write costs 2x input instead of 1.25x, and saves more on long pauses.',
  enumDescriptions: ["Claude Code's default: 5 minutes.", 'One hour (`ENABLE_PROMPT_CACHING_1H=1`).', 'No prompt caching (`DISABLE_PROMPT_CACHING=1`).'],
});
export const serviceTier = define('serviceTier', oneOf(['default', 'flex', 'priority']), {
  order: 21.6,
  affects: ['terminals', 'models'],
  description: "Bedrock's service tier for Claude Code's requests (`ANTHROPIC_BEDROCK_SERVICE_TIER`).",
  enumDescriptions: ['Standard on-demand.', 'Flex: lower price, slower when Bedrock is busy.', 'Priority: higher price, served first.'],
});
export const regionPrefix = define('regionPrefix', matching({ pattern: '^(us|eu|apac|jp|au|global)$', example: 'one of us, eu, apac, jp, au, global', fallback: '', optional: true }), {
  order: 21.7,
  affects: ['terminals', 'models'],
  description:
    "The inference-profile prefix for Claude's models (`global`, `us`, `eu`, …): the default pins use it (`global.anthropic.claude-sonnet-4-5-…`), and Claude Code puts it before any model it picks itself (`ANTHROPIC_BEDROCK_REGION_PREFIX`). `global` costs less than a geography's profiles for the newer models. Empty: the region's geography.",
});
export const longContext = define('longContext', oneOf(['off', 'on']), {
  order: 21.8,
  affects: ['terminals', 'models'],
  description: "The 1M-token context for the primary model (`[1m]` after its ID). Requests over 200K input tokens are billed at Bedrock's long-context rate.",
  enumDescriptions: ["The model's standard context.", 'The 1M-token context (`[1m]`).'],
});
export const smallFastModelRegion = define('smallFastModelRegion', matching({ ...REGION, fallback: '', optional: true }), {
  order: 22,
  affects: ['terminals'],
  description: 'Region for the fast model (`ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`), when it differs from `claudeBedrock.region`.',
});
export const maxOutputTokens = define('maxOutputTokens', tokenCount(1_000_000), {
  order: 23,
  affects: ['terminals'],
  description: "`CLAUDE_CODE_MAX_OUTPUT_TOKENS` for terminals; 0 leaves Claude Code's default.",
});
export const maxThinkingTokens = define('maxThinkingTokens', tokenCount(1_000_000), {
  order: 24,
  affects: ['terminals'],
  description: "`MAX_THINKING_TOKENS` for terminals; 0 leaves Claude Code's default.",
});
export const bedrockEndpoint = define('bedrockEndpoint', url(), {
  order: 25,
  affects: ['terminals'],
  description: 'Amazon Bedrock endpoint URL for a PrivateLink / VPC interface endpoint (`ANTHROPIC_BEDROCK_BASE_URL`). Empty: the regional public endpoint.',
});
export const terminalCredentials = define('terminalCredentials', oneOf(['endpoint', 'environment']), {
  order: 26,
  affects: ['terminals'],
  description: 'How integrated terminals get the AWS credentials.',
  enumDescriptions: [
    'Terminals fetch the current keys from VS Code over 127.0.0.1: renewals reach open terminals, and signing out cuts them off.',
    'The keys are put in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; after a renewal, open a new terminal.',
  ],
});
export const telemetryEndpoint = define('telemetryEndpoint', url(), {
  order: 27,
  affects: ['terminals'],
  description:
    "OpenTelemetry collector endpoint for Claude Code's usage metrics (`OTEL_EXPORTER_OTLP_ENDPOINT`). When set, terminals turn Claude Code telemetry on and attribute usage to you (`OTEL_RESOURCE_ATTRIBUTES` with your email, department, team and cost center).",
});
export const telemetryProtocol = define('telemetryProtocol', oneOf(['http/protobuf', 'http/json', 'grpc']), {
  order: 28,
  affects: ['terminals'],
  description: 'OTLP protocol of the collector (`OTEL_EXPORTER_OTLP_PROTOCOL`).',
});
export const claudeCodeIntegration = define('claudeCodeIntegration', oneOf(['ask', 'always', 'never']), {
  order: 30,
  affects: ['claudeCode'],
  description:
    'Whether Claude Code everywhere on this machine (its VS Code panel, and `claude` in any terminal) runs on this sign-in, through its own settings (`~/.claude/settings.json`). `ask`: offered once after signing in, and done by **Connect Claude Code** after showing what changes. `always`: done without asking. `never`: Claude Code\'s settings are left alone, and what the extension added is removed.',
  enumDescriptions: [
    'Offer it once after signing in; Connect Claude Code shows what it changes first.',
    'Connect Claude Code without asking (what a platform team sets to ship it connected).',
    "Leave Claude Code's settings alone, and remove what the extension added to them.",
  ],
});
export const bedrockControlEndpoint = define('bedrockControlEndpoint', url(), {
  order: 29,
  affects: ['models'],
  description:
    'Amazon Bedrock control-plane endpoint URL (a VPC interface endpoint for `bedrock`), used to check the models. Empty: `https://bedrock.<region>.amazonaws.com`.',
});

export const cloudWatchEndpoint = define('cloudWatchEndpoint', url(), {
  order: 40,
  affects: ['usage'],
  description: 'CloudWatch endpoint URL (a VPC interface endpoint for `monitoring`). Empty: `https://monitoring.<region>.amazonaws.com`.',
});
export const usageNamespace = define('usageNamespace', words('ClaudeCode'), { order: 41, affects: ['usage'], description: "CloudWatch namespace of Claude Code's usage metrics." });
export const usageTokenMetric = define('usageTokenMetric', words('claude_code.token.usage'), { order: 42, affects: ['usage'], description: 'Metric with the tokens used (summed).' });
export const usageCostMetric = define('usageCostMetric', words('claude_code.cost.usage'), { order: 43, affects: ['usage'], description: 'Metric with the cost estimate in USD (summed).' });
export const usageEmailDimension = define('usageEmailDimension', words('user.email'), { order: 44, affects: ['usage'], description: "Dimension holding the user's email." });
export const usageLibraryDimension = define('usageLibraryDimension', words('OTelLib'), {
  order: 45,
  affects: ['usage'],
  description: 'The second dimension of the per-user metrics (its value is discovered).',
});
export const quotaApiUrl = define('quotaApiUrl', url(), {
  order: 46,
  affects: ['usage', 'quota'],
  description:
    "URL of the quota API's check (called with your ID token), e.g. `https://quota.example.com/check`. When set, it is asked before every new set of AWS credentials and every `claudeBedrock.quotaRecheckMinutes`: a user it blocks gets no credentials. Your limits come from it too; otherwise from the limit settings below.",
});
export const localUsage = define('localUsage', oneOf(['records', 'off']), {
  order: 55,
  affects: ['usage'],
  description:
    "Where this machine's live usage and cost come from. `records`: Claude Code's own session records on this machine (`~/.claude/projects`, or `CLAUDE_CONFIG_DIR`), read for their usage fields only; nothing leaves the machine. `off`: not read.",
  enumDescriptions: ["Read the usage fields of Claude Code's session records on this machine.", 'Do not read them: only your organisation\'s figures are shown, where it has them.'],
});
export const dailyBudget = define('dailyBudget', amount(undefined, 0.01, 1e6), {
  order: 56,
  affects: ['usage'],
  description: "Your daily budget in USD for Claude Code on this machine: one notification when today's cost passes it. 0 means none.",
});
export const sessionHourlyAlert = define('sessionHourlyAlert', amount(undefined, 0.01, 1e6), {
  order: 57,
  affects: ['usage'],
  description: 'USD one Claude Code session may spend within an hour before one notification names it (a session left running overnight). 0 means none.',
});
export const priceFactor = define('priceFactor', amount(1, 0.01, 10), {
  order: 58,
  affects: ['usage'],
  description: "Multiplies Amazon Bedrock's on-demand list prices in every cost shown, for an organisation with a negotiated rate (0.85: 15% below list). 1 means list prices.",
});
export const quotaRecheckMinutes = define('quotaRecheckMinutes', amount(30, 0.1, 1440), {
  order: 53,
  affects: ['quota'],
  description: 'Minutes between checks of the quota API while signed in (besides the check before every new set of credentials).',
});
export const quotaFailMode = define('quotaFailMode', oneOf(['open', 'closed']), {
  order: 54,
  affects: ['quota'],
  description: 'What happens when the quota API cannot be asked (unreachable, an error, an answer it cannot read, no answer within 5 s).',
  enumDescriptions: [
    'Credentials are handed out; the status bar says the quota could not be checked, and the log says why.',
    'No credentials until the quota API answers: treated as blocked, with that reason.',
  ],
});
export const monthlyTokenLimit = define('monthlyTokenLimit', amount(undefined, 1, 1e13), {
  order: 47,
  affects: ['usage'],
  description: 'Monthly token limit shown when there is no quota API; 0 means none.',
});
export const dailyTokenLimit = define('dailyTokenLimit', amount(undefined, 1, 1e13), {
  order: 48,
  affects: ['usage'],
  description: 'Daily token limit shown when there is no quota API; 0 means none.',
});
export const monthlyCostLimit = define('monthlyCostLimit', amount(undefined, 0.01, 1e9), { order: 49, affects: ['usage'], description: 'Monthly cost limit in USD; 0 means none.' });
export const usageWarningPercent = define('usageWarningPercent', amount(80, 1, 100), {
  order: 50,
  affects: ['usage'],
  description: 'Usage (percent of a limit) at which the status bar turns to warning colours.',
});
export const usageErrorPercent = define('usageErrorPercent', amount(95, 1, 100), {
  order: 51,
  affects: ['usage'],
  description: 'Usage (percent of a limit) at which the status bar turns to error colours.',
});
export const usageRefreshMinutes = define('usageRefreshMinutes', amount(5, 0.1, 1440), {
  order: 52,
  affects: ['usage'],
  description: 'Minutes between usage refreshes (while a VS Code window has focus; shared by all windows).',
});


// How a sign-in becomes AWS credentials beyond direct federation: a Cognito identity pool, or
// IAM Identity Center.
export const federation = define('federation', oneOf(['direct', 'cognitoIdentityPool', 'identityCenter']), {
  order: 11,
  affects: ['signIn'],
  description: 'How you sign in and get AWS credentials. Usually set by your platform team.',
  enumDescriptions: [
    'Your identity provider, then STS `AssumeRoleWithWebIdentity` with `claudeBedrock.roleArn` (the AWS guidance\'s recommended mode).',
    "Your identity provider, then a Cognito identity pool (`claudeBedrock.identityPoolId`) that trusts it and hands out its authenticated role's credentials.",
    'IAM Identity Center (`claudeBedrock.ssoStartUrl`): an account and permission set of yours.',
  ],
});
export const ssoStartUrl = define('ssoStartUrl', url(), {
  order: 15,
  affects: ['signIn'],
  description: 'The AWS access portal URL of your IAM Identity Center, e.g. `https://d-1234567890.awsapps.com/start`, when `claudeBedrock.federation` is `identityCenter`.',
});
export const ssoRegion = define('ssoRegion', matching({ ...REGION, fallback: '', optional: true }), {
  order: 16,
  affects: ['signIn'],
  description: 'The region of your IAM Identity Center instance. Empty: `claudeBedrock.region`.',
});
export const ssoAccountId = define('ssoAccountId', matching({ pattern: '^[0-9]{12}$', example: 'a 12-digit AWS account ID', fallback: '', optional: true }), {
  order: 17,
  affects: ['signIn'],
  description: 'The AWS account to use through IAM Identity Center. Empty: you choose from your accounts once, at your first sign-in.',
});
export const ssoRoleName = define('ssoRoleName', words(''), {
  order: 18,
  affects: ['signIn'],
  description: 'The permission set (role) to use in that account. Empty: you choose from yours once, at your first sign-in.',
});
export const ssoOidcEndpoint = define('ssoOidcEndpoint', url(), {
  order: 19,
  affects: ['signIn'],
  description: 'IAM Identity Center OIDC endpoint, for a VPC interface endpoint. Empty: `https://oidc.<ssoRegion>.amazonaws.com`.',
});
export const ssoPortalEndpoint = define('ssoPortalEndpoint', url(), {
  order: 19.5,
  affects: ['signIn'],
  description: 'AWS access portal API endpoint, for a VPC interface endpoint. Empty: `https://portal.sso.<ssoRegion>.amazonaws.com`.',
});
export const ssoSignInMethod = define('ssoSignInMethod', oneOf(['auto', 'browser', 'deviceCode']), {
  order: 19.7,
  affects: ['signIn'],
  description: 'How you sign in to IAM Identity Center.',
  enumDescriptions: [
    "The browser comes back to VS Code on this computer's loopback port; a code to enter instead when this window's browser cannot reach that port (a tunnel or a remote host by name).",
    'Always the browser, back to the loopback port (as `aws sso login` does).',
    'Always a code shown in VS Code, entered in any browser (as `aws sso login --use-device-code` does): for remote windows whose browser cannot reach this machine.',
  ],
});
export const identityPoolId = define(
  'identityPoolId',
  matching({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9a-f-]{36}$', example: 'a Cognito identity pool ID like us-east-1:0a1b2c3d-…', fallback: '', optional: true }),
  { order: 12, affects: ['signIn'], description: 'Cognito identity pool ID, e.g. `us-east-1:0a1b2c3d-4e5f-6789-abcd-ef0123456789`, when `claudeBedrock.federation` is `cognitoIdentityPool`.' },
);
export const cognitoLoginKey = define('cognitoLoginKey', words(''), {
  order: 13,
  affects: ['signIn'],
  description:
    "The identity pool's name for your identity provider (the key of `Logins`). Empty: the issuer without `https://`, as the ID token's `iss` writes it (what a Cognito user pool needs, e.g. `cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC`).",
});
export const cognitoEndpoint = define('cognitoEndpoint', url(), {
  order: 14,
  affects: ['signIn'],
  description: 'Cognito Identity endpoint URL, for a VPC interface endpoint. Empty: `https://cognito-identity.<region>.amazonaws.com`.',
});

/** Every setting, in the order the Settings editor shows them. */
export const SETTINGS: readonly Setting<unknown>[] = [
  issuer,
  clientId,
  scopes,
  roleArn,
  region,
  redirectPort,
  sessionDuration,
  stsEndpoint,
  signInTimeout,
  requestTimeout,
  federation,
  identityPoolId,
  cognitoLoginKey,
  cognitoEndpoint,
  ssoStartUrl,
  ssoRegion,
  ssoAccountId,
  ssoRoleName,
  ssoOidcEndpoint,
  ssoPortalEndpoint,
  ssoSignInMethod,
  model,
  smallFastModel,
  opusModel,
  sonnetModel,
  fableModel,
  availableModels,
  modelOverrides,
  promptCaching,
  serviceTier,
  regionPrefix,
  longContext,
  smallFastModelRegion,
  maxOutputTokens,
  maxThinkingTokens,
  bedrockEndpoint,
  terminalCredentials,
  telemetryEndpoint,
  telemetryProtocol,
  claudeCodeIntegration,
  bedrockControlEndpoint,
  cloudWatchEndpoint,
  usageNamespace,
  usageTokenMetric,
  usageCostMetric,
  usageEmailDimension,
  usageLibraryDimension,
  quotaApiUrl,
  monthlyTokenLimit,
  dailyTokenLimit,
  monthlyCostLimit,
  usageWarningPercent,
  usageErrorPercent,
  usageRefreshMinutes,
  localUsage,
  dailyBudget,
  sessionHourlyAlert,
  priceFactor,
  quotaRecheckMinutes,
  quotaFailMode,
];
