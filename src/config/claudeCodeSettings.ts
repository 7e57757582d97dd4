// The settings of what Claude Code runs: the model pins, the /model list and overrides, the cost
// levers, and what terminals and Connect Claude Code pass it. Part of the table in settings.ts.
import { ANTHROPIC_MODEL_ID, MODEL_NAME, PROFILE_ARN, REGION } from './patterns';
import { define, matching, oneOf, tokenCount, url, wordList, wordMap, words } from './rules';

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
