// The emulator's Amazon Bedrock: the control plane's inference profiles and the runtime's
// InvokeModel / InvokeWithResponseStream (REST-JSON; the stream in AWS event-stream framing
// carrying Anthropic Messages streaming events), as Claude Code and the AWS SDK call them.
import { randomBytes } from 'node:crypto';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { AwsError } from './sigv4';
import { ACCOUNT_ID } from './sts';

export interface InferenceProfile {
  readonly inferenceProfileId: string;
  readonly inferenceProfileName: string;
  readonly inferenceProfileArn: string;
  readonly description: string;
  readonly status: 'ACTIVE';
  readonly type: 'SYSTEM_DEFINED' | 'APPLICATION';
  readonly models: { modelArn: string }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Current Claude models: [model id, display name]. */
const CLAUDE_MODELS: readonly [string, string][] = [
  ['anthropic.claude-fable-5-2', 'Claude Fable 5.2'],
  ['anthropic.claude-opus-5', 'Claude Opus 5'],
  ['anthropic.claude-opus-4-6-v1', 'Claude Opus 4.6'],
  ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5'],
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'Claude Haiku 4.5'],
  ['anthropic.claude-opus-4-1-20250805-v1:0', 'Claude Opus 4.1'],
  ['anthropic.claude-sonnet-4-20250514-v1:0', 'Claude Sonnet 4'],
  ['anthropic.claude-3-7-sonnet-20250219-v1:0', 'Claude 3.7 Sonnet'],
];

/** Geography prefixes of system-defined profiles and the regions they route between. */
const GEOGRAPHIES: Readonly<Record<string, readonly string[]>> = {
  us: ['us-east-1', 'us-east-2', 'us-west-2'],
  eu: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1'],
  apac: ['ap-northeast-1', 'ap-southeast-2', 'ap-south-1'],
};

export function geographyOf(region: string): string | undefined {
  return Object.keys(GEOGRAPHIES).find((g) => GEOGRAPHIES[g].includes(region));
}

/** The system-defined Claude inference profiles offered in a region, as AWS lists them. */
export function catalogFor(region: string): InferenceProfile[] {
  const geography = geographyOf(region);
  const stamp = '2025-10-01T00:00:00Z';
  const profiles: InferenceProfile[] = [];
  for (const [prefix, regions] of [
    ...(geography ? [[geography, GEOGRAPHIES[geography]] as const] : []),
    ['global', Object.values(GEOGRAPHIES).flat()] as const,
  ]) {
    for (const [modelId, name] of CLAUDE_MODELS) {
      const id = `${prefix}.${modelId}`;
      profiles.push({
        inferenceProfileId: id,
        inferenceProfileName: `${prefix.toUpperCase()} Anthropic ${name}`,
        inferenceProfileArn: `arn:aws:bedrock:${region}:${ACCOUNT_ID}:inference-profile/${id}`,
        description: `Routes requests to Anthropic ${name} in ${prefix === 'global' ? 'all commercial regions' : regions.join(', ')}.`,
        status: 'ACTIVE',
        type: 'SYSTEM_DEFINED',
        models: regions.map((r) => ({ modelArn: `arn:aws:bedrock:${r}::foundation-model/${modelId}` })),
        createdAt: stamp,
        updatedAt: stamp,
      });
    }
  }
  return profiles;
}

/** The account's own application inference profile (one per region), pointing at Sonnet 4.5. */
export function applicationProfileFor(region: string): InferenceProfile {
  const modelId = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
  const stamp = '2025-11-01T00:00:00Z';
  return {
    inferenceProfileId: 'claudeteam01',
    inferenceProfileName: 'claude-code-team-sonnet',
    inferenceProfileArn: `arn:aws:bedrock:${region}:${ACCOUNT_ID}:application-inference-profile/claudeteam01`,
    description: 'Claude Code for the platform team (cost allocation tags).',
    status: 'ACTIVE',
    type: 'APPLICATION',
    models: [{ modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}` }],
    createdAt: stamp,
    updatedAt: stamp,
  };
}

/** Switches that make the emulated account less than ready, as accounts often are. */
export interface BedrockSwitches {
  /** Foundation-model IDs the account has no access to (model access not granted). */
  notEntitled: string[];
  /** Foundation-model IDs whose agreement was not accepted. */
  noAgreement: string[];
  /** Operations the role may not call (AccessDeniedException). */
  denied: string[];
}

export interface BedrockCall {
  readonly modelId: string;
  readonly stream: boolean;
  readonly maxTokens: number | undefined;
}

export interface BedrockAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

function chunk(event: Record<string, unknown>): Buffer {
  const payload = JSON.stringify({ bytes: Buffer.from(JSON.stringify(event)).toString('base64') });
  return Buffer.from(
    codec.encode({
      headers: {
        ':event-type': { type: 'string', value: 'chunk' },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: new Uint8Array(Buffer.from(payload)),
    }),
  );
}

/** What an answer says it used, as Bedrock's Anthropic answers say it. */
export interface AnswerUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
  readonly cache_creation?: { readonly ephemeral_5m_input_tokens: number; readonly ephemeral_1h_input_tokens: number };
}

/** What a request asked for of Bedrock's cost levers: the prompt-cache TTLs it marked, and the service tier. */
export interface RequestLevers {
  /** One per cache_control mark in the request, its ttl ('5m' when it names none). */
  readonly cacheTtls: readonly string[];
  /** The service tier, from the body's service_tier or the request's header. */
  readonly serviceTier: string | undefined;
  /** The betas the request asked for (anthropic_beta), the 1M-token context among them. */
  readonly betas: readonly string[];
}

export function requestLevers(body: Buffer, headers: Readonly<Record<string, string | string[] | undefined>>): RequestLevers {
  const cacheTtls: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const mark = record.cache_control as { ttl?: unknown } | undefined;
    if (typeof mark === 'object' && mark !== null) cacheTtls.push(typeof mark.ttl === 'string' ? mark.ttl : '5m');
    for (const value of Object.values(record)) visit(value);
  };
  visit(parsed);
  const header = headers['x-amzn-bedrock-service-tier'] ?? headers['x-amz-bedrock-service-tier'];
  const fromBody = (parsed as { service_tier?: unknown } | undefined)?.service_tier;
  const betas = (parsed as { anthropic_beta?: unknown } | undefined)?.anthropic_beta;
  return { cacheTtls, serviceTier: typeof fromBody === 'string' ? fromBody : typeof header === 'string' ? header : undefined, betas: Array.isArray(betas) ? betas.map(String) : [] };
}

/** A rough token count, as a stand-in for the model's tokenizer. */
function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export class BedrockService {
  /** Every streamed answer says this (tests script it through the control API). */
  reply = 'Hello from the Bedrock emulator.';
  /** The usage every answer reports, cache fields included (tests choose it); undefined: counted from the text. */
  usage: AnswerUsage | undefined;
  switches: BedrockSwitches = { notEntitled: [], noAgreement: [], denied: [] };

  profiles(region: string): InferenceProfile[] {
    return [...catalogFor(region), applicationProfileFor(region)];
  }

  /** Throws the AccessDeniedException a role without the permission gets. */
  authorize(action: string, roleArn: string, region: string): void {
    if (!this.switches.denied.includes(action)) return;
    throw new AwsError(
      403,
      'AccessDeniedException',
      `User: ${roleArn} is not authorized to perform: bedrock:${action} on resource: arn:aws:bedrock:${region}:${ACCOUNT_ID}:* because no identity-based policy allows the bedrock:${action} action`,
    );
  }

  availability(region: string, modelId: string): Record<string, unknown> {
    const known = CLAUDE_MODELS.some(([id]) => id === modelId);
    if (!known) throw new AwsError(404, 'ResourceNotFoundException', `Model ${modelId} not found.`);
    const inRegion = Object.values(GEOGRAPHIES).some((regions) => regions.includes(region));
    const agreement = this.switches.noAgreement.includes(modelId);
    return {
      modelId,
      agreementAvailability: agreement ? { status: 'NOT_AVAILABLE', errorMessage: 'The model agreement has not been accepted.' } : { status: 'AVAILABLE' },
      authorizationStatus: 'AUTHORIZED',
      entitlementAvailability: this.switches.notEntitled.includes(modelId) ? 'NOT_AVAILABLE' : 'AVAILABLE',
      regionAvailability: inRegion ? 'AVAILABLE' : 'NOT_AVAILABLE',
    };
  }

  listInferenceProfiles(region: string, query: URLSearchParams): Record<string, unknown> {
    const type = query.get('type') ?? 'SYSTEM_DEFINED';
    const all = this.profiles(region).filter((p) => p.type === type);
    const max = Math.min(Number(query.get('maxResults') ?? 1000) || 1000, 1000);
    const start = Number(query.get('nextToken') ?? 0) || 0;
    const page = all.slice(start, start + max);
    return { inferenceProfileSummaries: page, ...(start + max < all.length ? { nextToken: String(start + max) } : {}) };
  }

  getInferenceProfile(region: string, id: string): InferenceProfile {
    const profile = this.profiles(region).find((p) => p.inferenceProfileId === id || p.inferenceProfileArn === id);
    if (!profile) throw new AwsError(404, 'ResourceNotFoundException', `Inference profile ${id} not found.`);
    return profile;
  }

  /** Checks the model id the way Bedrock does for on-demand invocation. */
  private resolveModel(region: string, modelId: string): string {
    if (this.profiles(region).some((p) => p.inferenceProfileId === modelId || p.inferenceProfileArn === modelId)) return modelId;
    if (CLAUDE_MODELS.some(([id]) => id === modelId)) {
      throw new AwsError(
        400,
        'ValidationException',
        `Invocation of model ID ${modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      );
    }
    throw new AwsError(400, 'ValidationException', 'The provided model identifier is invalid.');
  }

  invoke(region: string, modelId: string, body: Buffer, stream: boolean): { call: BedrockCall; answer: BedrockAnswer } {
    const resolved = this.resolveModel(region, modelId);
    const profile = this.profiles(region).find((p) => p.inferenceProfileId === resolved || p.inferenceProfileArn === resolved);
    const foundation = profile?.models[0]?.modelArn.split('foundation-model/')[1] ?? '';
    if (this.switches.notEntitled.includes(foundation) || this.switches.noAgreement.includes(foundation)) {
      throw new AwsError(403, 'AccessDeniedException', "You don't have access to the model with the specified model ID.");
    }
    let request: { max_tokens?: number; messages?: unknown[]; anthropic_version?: string };
    try {
      request = JSON.parse(body.toString('utf8')) as typeof request;
    } catch {
      throw new AwsError(400, 'ValidationException', 'Malformed input request: the body is not valid JSON.');
    }
    if (request.anthropic_version !== 'bedrock-2023-05-31' || !Array.isArray(request.messages)) {
      throw new AwsError(400, 'ValidationException', 'Malformed input request: #: required key [anthropic_version] not found or messages missing.');
    }
    const call: BedrockCall = { modelId, stream, maxTokens: request.max_tokens };
    const id = `msg_bdrk_${randomBytes(12).toString('hex')}`;
    const model = foundation.replace(/^anthropic\./, '').replace(/-v\d+(:\d+)?$/, '');
    const text = request.max_tokens === 1 ? '.' : this.reply;
    const usage: AnswerUsage = this.usage ?? { input_tokens: tokens(body.toString('utf8')), output_tokens: tokens(text) };
    const inputTokens = usage.input_tokens;
    const outputTokens = usage.output_tokens;
    if (!stream) {
      const json = {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text }],
        stop_reason: request.max_tokens === 1 ? 'max_tokens' : 'end_turn',
        stop_sequence: null,
        usage,
      };
      return {
        call,
        answer: {
          status: 200,
          headers: {
            'content-type': 'application/json',
            'x-amzn-bedrock-input-token-count': String(inputTokens),
            'x-amzn-bedrock-output-token-count': String(outputTokens),
            'x-amzn-bedrock-invocation-latency': '42',
          },
          body: Buffer.from(JSON.stringify(json)),
        },
      };
    }
    const events: Record<string, unknown>[] = [
      {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ...text.split(/(?<= )/).map((piece) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } },
      {
        type: 'message_stop',
        'amazon-bedrock-invocationMetrics': { inputTokenCount: inputTokens, outputTokenCount: outputTokens, invocationLatency: 42, firstByteLatency: 21 },
      },
    ];
    return {
      call,
      answer: {
        status: 200,
        headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-bedrock-content-type': 'application/json' },
        body: Buffer.concat(events.map(chunk)),
      },
    };
  }
}
