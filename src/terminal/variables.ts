// What every integrated terminal gets while the user is signed in. Pure: the closing rules of
// which variable carries what are unit-tested here, and environment.ts applies them.
//
// Which credentials win (measured with the real Claude Code CLI, the AWS SDK for JavaScript and
// Debian's AWS CLI): with only the container-endpoint variables, a [default] profile in
// ~/.aws/credentials wins; an AWS_PROFILE exported by a shell startup file makes the JavaScript
// SDK skip environment keys and read that profile; and the AWS CLI (botocore) reads an empty
// AWS_PROFILE as the name of a profile, and fails ("The config profile () could not be found").
// So terminals get a profile of the extension's own: AWS_PROFILE names it, AWS_CONFIG_FILE points
// at a file holding only it (its region; in environment mode a credential_process that prints the
// environment's keys), AWS_SHARED_CREDENTIALS_FILE at an empty file. No profile of the user's can
// take over, and both SDKs go on from that profile, which has no keys, to the credentials VS Code
// serves. The files hold no secret.
import type { AwsCredentials } from '../aws/credentials';
import type { TerminalSettings } from '../config/groups';
import { displayName, type Identity } from '../auth/identity';
import { markdownInert } from '../util/text';

export type TerminalCredentials =
  | { readonly kind: 'endpoint'; readonly uri: string; readonly token: string }
  | { readonly kind: 'environment'; readonly keys: AwsCredentials };

/** The name of the terminals' own AWS profile. */
export const TERMINAL_PROFILE = 'claude-bedrock';

/** The AWS files terminals see (see terminalAwsConfig). */
export interface TerminalAwsFiles {
  /** AWS_CONFIG_FILE: the terminals' own profile, and nothing else. */
  readonly config: string;
  /** AWS_SHARED_CREDENTIALS_FILE: empty. */
  readonly credentials: string;
}

export interface VariableInput {
  readonly settings: TerminalSettings;
  readonly identity: Identity;
  readonly credentials: TerminalCredentials;
  readonly awsFiles: TerminalAwsFiles;
  /** Claude Code's own settings carry Bedrock and the keys (Connect Claude Code). */
  readonly connected?: boolean;
}

/**
 * The AWS config file terminals see: the terminals' own profile, with the region and no keys.
 * In endpoint mode the SDKs find no keys in it and ask the container endpoint. In environment
 * mode the AWS CLI takes the environment's keys before any profile, but the AWS SDK for
 * JavaScript skips them when AWS_PROFILE is set: `credentialProcess` (the helper's
 * environment-keys, through its launcher) hands it the same keys.
 */
export function terminalAwsConfig(region: string, credentialProcess?: string): string {
  return [
    '# Claude Code on Amazon Bedrock: the AWS profile of VS Code terminals (AWS_PROFILE=claude-bedrock). Written by the extension; no keys here.',
    `[profile ${TERMINAL_PROFILE}]`,
    `region = ${region}`,
    ...(credentialProcess ? [`credential_process = ${credentialProcess}`] : []),
    '',
  ].join('\n');
}

/** The AWS credentials file terminals see: empty on purpose. */
export const TERMINAL_AWS_CREDENTIALS = '# Claude Code on Amazon Bedrock: left empty on purpose, so that no AWS profile of yours takes over in VS Code terminals.\n';

/** OTEL_RESOURCE_ATTRIBUTES: key=value pairs, values percent-encoded as the OpenTelemetry spec asks. */
export function otelResourceAttributes(identity: Identity): string {
  const pairs: [string, string | undefined][] = [
    ['user.email', identity.email],
    ['user.id', identity.subject],
    ['user.name', identity.name],
    ['department', identity.department],
    ['team.id', identity.team ?? identity.groups[0]],
    ['cost_center', identity.costCenter],
  ];
  return pairs
    .filter((p): p is [string, string] => Boolean(p[1]))
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join(',');
}

/** Every variable bedrockVariables can set: what Claude Code's settings may hold of ours. */
export const BEDROCK_VARIABLE_NAMES = [
  'CLAUDE_CODE_USE_BEDROCK',
  'AWS_REGION',
  'ANTHROPIC_MODEL',
  'ANTHROPIC_DEFAULT_HAIKU_MODEL',
  'ANTHROPIC_DEFAULT_OPUS_MODEL',
  'ANTHROPIC_DEFAULT_SONNET_MODEL',
  'ANTHROPIC_DEFAULT_FABLE_MODEL',
  'ANTHROPIC_SMALL_FAST_MODEL',
  'ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION',
  'CLAUDE_CODE_MAX_OUTPUT_TOKENS',
  'MAX_THINKING_TOKENS',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'ENABLE_PROMPT_CACHING_1H',
  'DISABLE_PROMPT_CACHING',
  'ANTHROPIC_BEDROCK_SERVICE_TIER',
  'ANTHROPIC_BEDROCK_REGION_PREFIX',
  'CLAUDE_CODE_ENABLE_TELEMETRY',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
] as const;

/**
 * What Claude Code needs to run on Bedrock with these settings, wherever it runs: integrated
 * terminals, and Claude Code's own settings (its VS Code panel, `claude` anywhere). Nothing of
 * the user's identity: terminals add that, Claude Code's helper sends it as headers.
 */
export function bedrockVariables(settings: TerminalSettings): Record<string, string> {
  const vars: Record<string, string> = {
    CLAUDE_CODE_USE_BEDROCK: '1',
    AWS_REGION: settings.region,
    ANTHROPIC_MODEL: settings.longContext ? `${settings.model}[1m]` : settings.model,
    // Every family pinned: unpinned, `/model opus` reaches the newest Opus, enabled or not.
    ANTHROPIC_DEFAULT_OPUS_MODEL: settings.opusModel,
    ANTHROPIC_DEFAULT_SONNET_MODEL: settings.sonnetModel,
    ANTHROPIC_DEFAULT_FABLE_MODEL: settings.fableModel,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: settings.smallFastModel,
    // Older Claude Code releases read the fast model from here.
    ANTHROPIC_SMALL_FAST_MODEL: settings.smallFastModel,
  };
  // The organisation's cost levers.
  if (settings.promptCaching === '1h') vars.ENABLE_PROMPT_CACHING_1H = '1';
  if (settings.promptCaching === 'off') vars.DISABLE_PROMPT_CACHING = '1';
  if (settings.serviceTier !== 'default') vars.ANTHROPIC_BEDROCK_SERVICE_TIER = settings.serviceTier;
  // GovCloud has only its own profiles; Claude Code keeps us-gov there whatever the prefix says.
  if (settings.regionPrefix && !settings.region.startsWith('us-gov-')) vars.ANTHROPIC_BEDROCK_REGION_PREFIX = settings.regionPrefix;
  if (settings.smallFastModelRegion) vars.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION = settings.smallFastModelRegion;
  if (settings.maxOutputTokens) vars.CLAUDE_CODE_MAX_OUTPUT_TOKENS = String(settings.maxOutputTokens);
  if (settings.maxThinkingTokens) vars.MAX_THINKING_TOKENS = String(settings.maxThinkingTokens);
  if (settings.bedrockEndpoint) vars.ANTHROPIC_BEDROCK_BASE_URL = settings.bedrockEndpoint;
  if (settings.telemetryEndpoint) {
    vars.CLAUDE_CODE_ENABLE_TELEMETRY = '1';
    vars.OTEL_METRICS_EXPORTER = 'otlp';
    vars.OTEL_LOGS_EXPORTER = 'otlp';
    vars.OTEL_EXPORTER_OTLP_PROTOCOL = settings.telemetryProtocol;
    vars.OTEL_EXPORTER_OTLP_ENDPOINT = settings.telemetryEndpoint;
  }
  return vars;
}

/**
 * What an integrated terminal gets. Not connected: Bedrock, and the session's keys in a way no
 * profile of the shell can beat. Connected (Claude Code's own settings carry Bedrock and the
 * keys): the Claude Code variables only; the shell's AWS configuration and keys are left alone,
 * so the user's own AWS tools keep their profiles.
 */
export function terminalVariables({ settings, identity, credentials, awsFiles, connected }: VariableInput): Record<string, string> {
  const vars = bedrockVariables(settings);
  if (settings.telemetryEndpoint) vars.OTEL_RESOURCE_ATTRIBUTES = otelResourceAttributes(identity);
  if (connected) {
    delete vars.AWS_REGION;
    return vars;
  }
  vars.AWS_CONFIG_FILE = awsFiles.config;
  vars.AWS_SHARED_CREDENTIALS_FILE = awsFiles.credentials;
  if (credentials.kind === 'endpoint') {
    vars.AWS_CONTAINER_CREDENTIALS_FULL_URI = credentials.uri;
    vars.AWS_CONTAINER_AUTHORIZATION_TOKEN = credentials.token;
    // Keys VS Code itself was started with would come first in the SDK's chain.
    vars.AWS_ACCESS_KEY_ID = '';
    vars.AWS_SECRET_ACCESS_KEY = '';
    vars.AWS_SESSION_TOKEN = '';
  } else {
    vars.AWS_ACCESS_KEY_ID = credentials.keys.accessKeyId;
    vars.AWS_SECRET_ACCESS_KEY = credentials.keys.secretAccessKey;
    vars.AWS_SESSION_TOKEN = credentials.keys.sessionToken;
    vars.AWS_CONTAINER_CREDENTIALS_FULL_URI = '';
    vars.AWS_CONTAINER_AUTHORIZATION_TOKEN = '';
  }
  // Set, even to a name the shell's own AWS_PROFILE would have had: a profile the files define.
  vars.AWS_PROFILE = TERMINAL_PROFILE;
  return vars;
}

/** The text VS Code shows on terminals (hover the terminal tab, or its environment details). */
export function terminalDescription({ settings, identity, credentials, connected }: VariableInput): string {
  // The name (from the ID token) and the model (a setting) are shown as they are: this is Markdown.
  const first = `**Claude Code on Amazon Bedrock**: \`claude\` here runs on Bedrock in ${markdownInert(settings.region)} as ${markdownInert(displayName(identity))}, with ${markdownInert(settings.model)}.`;
  if (connected) {
    return [
      first,
      "Claude Code's own settings carry the region and the session's keys (Connect Claude Code), so this terminal's AWS configuration is yours: your profiles, `AWS_PROFILE` and keys work for the AWS CLI and your other tools as they do outside VS Code.",
    ].join('\n\n');
  }
  const how =
    credentials.kind === 'endpoint'
      ? 'Its AWS credentials come from VS Code over 127.0.0.1 and renew by themselves, also in terminals already open; signing out cuts them off.'
      : "Its AWS credentials are in this terminal's environment (AWS_ACCESS_KEY_ID, …); after they renew, open a new terminal.";
  return [
    first,
    how,
    'AWS_PROFILE names a profile of this extension (claude-bedrock), and AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point to files that hold nothing else, so none of your AWS profiles takes over. The AWS CLI and your other AWS tools here act as your Claude Code role; where your shell startup replaces AWS_PROFILE with a profile of yours, the AWS CLI fails with "The config profile (…) could not be found". Run **Claude Bedrock: Connect Claude Code** to give Claude Code the session through its own settings and leave the AWS configuration of your terminals alone.',
  ].join('\n\n');
}
