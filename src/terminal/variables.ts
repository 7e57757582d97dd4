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

export type TerminalCredentials =
  | { readonly kind: 'endpoint'; readonly uri: string; readonly token: string }
  | { readonly kind: 'environment'; readonly keys: AwsCredentials };

export interface VariableInput {
  readonly settings: TerminalSettings;
  readonly identity: Identity;
  readonly credentials: TerminalCredentials;
  /** An empty file: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point at it. */
  readonly emptyAwsConfig: string;
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

export function terminalVariables({ settings, identity, credentials, emptyAwsConfig }: VariableInput): Record<string, string> {
  const vars: Record<string, string> = {
    CLAUDE_CODE_USE_BEDROCK: '1',
    AWS_REGION: settings.region,
    ANTHROPIC_MODEL: settings.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: settings.smallFastModel,
    // Older Claude Code releases read the fast model from here.
    ANTHROPIC_SMALL_FAST_MODEL: settings.smallFastModel,
    AWS_CONFIG_FILE: emptyAwsConfig,
    AWS_SHARED_CREDENTIALS_FILE: emptyAwsConfig,
  };
  if (settings.smallFastModelRegion) vars.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION = settings.smallFastModelRegion;
  if (settings.maxOutputTokens) vars.CLAUDE_CODE_MAX_OUTPUT_TOKENS = String(settings.maxOutputTokens);
  if (settings.maxThinkingTokens) vars.MAX_THINKING_TOKENS = String(settings.maxThinkingTokens);
  if (settings.bedrockEndpoint) vars.ANTHROPIC_BEDROCK_BASE_URL = settings.bedrockEndpoint;

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

  if (settings.telemetryEndpoint) {
    vars.CLAUDE_CODE_ENABLE_TELEMETRY = '1';
    vars.OTEL_METRICS_EXPORTER = 'otlp';
    vars.OTEL_LOGS_EXPORTER = 'otlp';
    vars.OTEL_EXPORTER_OTLP_PROTOCOL = settings.telemetryProtocol;
    vars.OTEL_EXPORTER_OTLP_ENDPOINT = settings.telemetryEndpoint;
    vars.OTEL_RESOURCE_ATTRIBUTES = otelResourceAttributes(identity);
  }
  return vars;
}

/** The text VS Code shows on terminals (hover the terminal tab, or its environment details). */
export function terminalDescription({ settings, identity, credentials }: VariableInput): string {
  const how =
    credentials.kind === 'endpoint'
      ? 'Its AWS credentials come from VS Code over 127.0.0.1 and renew by themselves, also in terminals already open; signing out cuts them off.'
      : 'Its AWS credentials are in this terminal\'s environment (AWS_ACCESS_KEY_ID, …); after they renew, open a new terminal.';
  return [
    `**Claude Code on Amazon Bedrock**: \`claude\` here runs on Bedrock in ${settings.region} as ${displayName(identity)}, with ${settings.model}.`,
    how,
    'AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point to an empty file, so no AWS profile (not even one AWS_PROFILE names) takes over: the AWS CLI in this terminal acts as your Claude Code role. For your own profiles, use `aws --profile` with `AWS_CONFIG_FILE=~/.aws/config AWS_SHARED_CREDENTIALS_FILE=~/.aws/credentials`, or a terminal outside VS Code.',
  ].join('\n\n');
}
