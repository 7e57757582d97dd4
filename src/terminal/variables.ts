// What every integrated terminal gets while the user is signed in. Pure: the closing rules of
// which variable carries what are unit-tested here, and environment.ts applies them.
//
// Which credentials win inside Claude Code (its AWS SDK default chain, measured with the real
// CLI): with only the container-endpoint variables, a [default] profile in ~/.aws/credentials
// wins; and an AWS_PROFILE exported by a shell startup file makes the SDK skip environment keys
// and read that profile. So terminals also get AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
// pointing at an empty file: no profile can take over, whatever AWS_PROFILE says, and the SDK
// (Claude Code's, and the AWS CLI's) goes on to the credentials VS Code serves.
import type { AwsCredentials } from '../aws/credentials';
import type { TerminalSettings } from '../config/groups';
import { displayName, type Identity } from '../auth/identity';
import { markdownInert } from '../util/text';

export type TerminalCredentials =
  | { readonly kind: 'endpoint'; readonly uri: string; readonly token: string }
  | { readonly kind: 'environment'; readonly keys: AwsCredentials };

export interface VariableInput {
  readonly settings: TerminalSettings;
  readonly identity: Identity;
  readonly credentials: TerminalCredentials;
  /** An empty file: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point at it. */
  readonly emptyAwsConfig: string;
  /** Claude Code's own settings carry Bedrock and the keys (Connect Claude Code). */
  readonly connected?: boolean;
}

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
  'ANTHROPIC_SMALL_FAST_MODEL',
  'ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION',
  'CLAUDE_CODE_MAX_OUTPUT_TOKENS',
  'MAX_THINKING_TOKENS',
  'ANTHROPIC_BEDROCK_BASE_URL',
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
    ANTHROPIC_MODEL: settings.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: settings.smallFastModel,
    // Older Claude Code releases read the fast model from here.
    ANTHROPIC_SMALL_FAST_MODEL: settings.smallFastModel,
  };
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
export function terminalVariables({ settings, identity, credentials, emptyAwsConfig, connected }: VariableInput): Record<string, string> {
  const vars = bedrockVariables(settings);
  if (settings.telemetryEndpoint) vars.OTEL_RESOURCE_ATTRIBUTES = otelResourceAttributes(identity);
  if (connected) {
    delete vars.AWS_REGION;
    return vars;
  }
  vars.AWS_CONFIG_FILE = emptyAwsConfig;
  vars.AWS_SHARED_CREDENTIALS_FILE = emptyAwsConfig;
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
  // With AWS_PROFILE set, the SDK skips environment keys; empty, it reads no profile (and the
  // profile files are empty anyway).
  vars.AWS_PROFILE = '';
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
    'AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point to an empty file, so no AWS profile (not even one AWS_PROFILE names) takes over. Your own AWS tools here do not see your profiles: the AWS CLI acts as your Claude Code role, and where your shell sets AWS_PROFILE it fails with "The config profile (…) could not be found". Run **Claude Bedrock: Connect Claude Code** to give Claude Code the session through its own settings and leave the AWS configuration of your terminals alone.',
  ].join('\n\n');
}
