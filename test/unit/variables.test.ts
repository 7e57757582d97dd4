import * as assert from 'node:assert/strict';
import type { Identity } from '../../src/auth/identity';
import { checkTerminalSettings, geographyPrefix, type TerminalSettings } from '../../src/config/groups';
import { environmentKeys } from '../../src/helper/environmentKeys';
import { otelResourceAttributes, terminalAwsConfig, terminalDescription, terminalVariables, type VariableInput } from '../../src/terminal/variables';

const identity: Identity = {
  subject: 'alice',
  email: 'alice@example.com',
  name: 'Alice Example',
  department: 'R&D, Platform',
  groups: ['developers'],
  team: undefined,
  costCenter: 'CC-1',
};

function settings(raw: Record<string, unknown> = {}): TerminalSettings {
  const checked = checkTerminalSettings(raw);
  assert.ok(checked.ok, JSON.stringify(checked));
  return checked.value;
}

const keys = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration: '2030-01-01T00:00:00.000Z' };

function input(over: Partial<VariableInput> = {}): VariableInput {
  return {
    settings: settings(),
    identity,
    credentials: { kind: 'endpoint', uri: 'http://127.0.0.1:5000/credentials', token: 'endpoint-token' },
    awsFiles: { config: '/storage/aws-config-for-terminals', credentials: '/storage/aws-credentials-for-terminals' },
    ...over,
  };
}

describe('terminal variables', () => {
  it('sets Bedrock, the models and the endpoint in endpoint mode, and blanks what would compete', () => {
    assert.deepEqual(terminalVariables(input()), {
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
      ANTHROPIC_MODEL: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-6-v1',
      ANTHROPIC_DEFAULT_FABLE_MODEL: 'us.anthropic.claude-opus-4-6-v1',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      ANTHROPIC_SMALL_FAST_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      AWS_CONFIG_FILE: '/storage/aws-config-for-terminals',
      AWS_SHARED_CREDENTIALS_FILE: '/storage/aws-credentials-for-terminals',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:5000/credentials',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'endpoint-token',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: 'claude-bedrock',
    });
  });

  it('pins every family and passes the cost levers, only when set', () => {
    const levers = (raw: Record<string, unknown>) => {
      const checked = checkTerminalSettings({ region: 'eu-west-1', ...raw });
      assert.ok(checked.ok);
      return terminalVariables(input({ settings: checked.value }));
    };
    const plain = levers({});
    assert.equal(plain.ANTHROPIC_DEFAULT_OPUS_MODEL, 'eu.anthropic.claude-opus-4-6-v1', "Opus pinned, so /model opus never reaches a model the account may not have");
    assert.equal(plain.ANTHROPIC_DEFAULT_SONNET_MODEL, 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.equal(plain.ANTHROPIC_DEFAULT_FABLE_MODEL, 'eu.anthropic.claude-opus-4-6-v1', 'fable runs the Opus pin, never a tier above it unasked');
    assert.equal(levers({ fableModel: 'eu.anthropic.claude-fable-5-2' }).ANTHROPIC_DEFAULT_FABLE_MODEL, 'eu.anthropic.claude-fable-5-2');
    for (const name of ['ENABLE_PROMPT_CACHING_1H', 'DISABLE_PROMPT_CACHING', 'ANTHROPIC_BEDROCK_SERVICE_TIER', 'ANTHROPIC_BEDROCK_REGION_PREFIX']) assert.equal(plain[name], undefined, name);
    const set = levers({ promptCaching: '1h', serviceTier: 'flex', regionPrefix: 'global', longContext: 'on', opusModel: 'global.anthropic.claude-opus-4-6-v1' });
    assert.equal(set.ENABLE_PROMPT_CACHING_1H, '1');
    assert.equal(set.ANTHROPIC_BEDROCK_SERVICE_TIER, 'flex');
    assert.equal(set.ANTHROPIC_BEDROCK_REGION_PREFIX, 'global');
    assert.equal(set.ANTHROPIC_MODEL, 'global.anthropic.claude-sonnet-4-5-20250929-v1:0[1m]', "the prefix reaches the extension's own default pins too");
    assert.equal(set.ANTHROPIC_DEFAULT_HAIKU_MODEL, 'global.anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.equal(set.ANTHROPIC_DEFAULT_OPUS_MODEL, 'global.anthropic.claude-opus-4-6-v1');
    const gov = levers({ region: 'us-gov-west-1', regionPrefix: 'global' });
    assert.equal(gov.ANTHROPIC_MODEL, 'us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0', 'GovCloud has only its own profiles');
    assert.equal(gov.ANTHROPIC_BEDROCK_REGION_PREFIX, undefined);
    assert.equal(levers({ promptCaching: 'off' }).DISABLE_PROMPT_CACHING, '1');
  });

  it('names what is wrong in the model policy settings', () => {
    const checked = checkTerminalSettings({ availableModels: ['opus', 'bad model!'], modelOverrides: { 'claude-opus-4-5': 'not-an-arn', nonsense: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc' }, serviceTier: 'cheap' });
    assert.equal(checked.ok, false);
    const problems = checked.ok ? [] : checked.problems.map((p) => `${p.setting} ${p.problem}`);
    assert.ok(problems.some((p) => /availableModels holds "bad model!"/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /modelOverrides maps "claude-opus-4-5" to "not-an-arn", which is not an inference profile ARN/.test(p)));
    assert.ok(problems.some((p) => /modelOverrides has the key "nonsense"/.test(p)));
    assert.ok(problems.some((p) => /serviceTier must be one of default, flex, priority/.test(p)));
  });

  it('puts the keys in the environment in environment mode', () => {
    const vars = terminalVariables(input({ credentials: { kind: 'environment', keys } }));
    assert.equal(vars.AWS_ACCESS_KEY_ID, 'ASIAEXAMPLE');
    assert.equal(vars.AWS_SECRET_ACCESS_KEY, 'secret');
    assert.equal(vars.AWS_SESSION_TOKEN, 'token');
    assert.equal(vars.AWS_PROFILE, 'claude-bedrock');
    assert.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, '');
    assert.equal(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN, '');
  });

  it('adds the optional variables only when configured', () => {
    const vars = terminalVariables(
      input({
        settings: settings({
          smallFastModelRegion: 'us-west-2',
          maxOutputTokens: 32000,
          maxThinkingTokens: 1024,
          bedrockEndpoint: 'https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com',
          telemetryEndpoint: 'https://otel.corp.example:4318',
          telemetryProtocol: 'grpc',
        }),
      }),
    );
    assert.equal(vars.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION, 'us-west-2');
    assert.equal(vars.CLAUDE_CODE_MAX_OUTPUT_TOKENS, '32000');
    assert.equal(vars.MAX_THINKING_TOKENS, '1024');
    assert.equal(vars.ANTHROPIC_BEDROCK_BASE_URL, 'https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com');
    assert.equal(vars.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
    assert.equal(vars.OTEL_EXPORTER_OTLP_PROTOCOL, 'grpc');
    assert.equal(vars.OTEL_LOGS_EXPORTER, 'otlp');
    assert.ok(!('CLAUDE_CODE_ENABLE_TELEMETRY' in terminalVariables(input())));
  });

  it('encodes the attribution so commas and equals signs in claims stay inside their value', () => {
    assert.equal(
      otelResourceAttributes(identity),
      'user.email=alice%40example.com,user.id=alice,user.name=Alice%20Example,department=R%26D%2C%20Platform,team.id=developers,cost_center=CC-1',
    );
    assert.equal(otelResourceAttributes({ subject: 's', email: undefined, name: undefined, department: undefined, groups: [] }), 'user.id=s');
  });

  it('tells the user what the terminal carries and what it means for the AWS CLI', () => {
    const text = terminalDescription(input());
    assert.match(text, /Bedrock in us-east-1 as alice@example\.com/);
    assert.match(text, /AWS_PROFILE names a profile of this extension \(claude-bedrock\)/);
    assert.match(text, /the AWS CLI fails with "The config profile \(…\) could not be found"/);
    assert.doesNotMatch(text, /endpoint-token/);
  });
});

describe("the terminals' own AWS profile", () => {
  // botocore (the AWS CLI, boto3) reads an empty AWS_PROFILE as a profile named "" and stops.
  it('names a profile the AWS config file terminals see defines, in both credential modes', () => {
    for (const credentials of [input().credentials, { kind: 'environment', keys } as const]) {
      const vars = terminalVariables(input({ credentials }));
      assert.notEqual(vars.AWS_PROFILE, '');
      assert.match(terminalAwsConfig('us-east-1'), new RegExp(`^\\[profile ${vars.AWS_PROFILE}\\]$`, 'm'));
    }
  });

  it('holds the region and no keys; in environment mode a credential_process that prints the environment\'s keys', () => {
    const endpoint = terminalAwsConfig('eu-central-1');
    assert.equal(endpoint.replace(/^#.*\n/gm, ''), '[profile claude-bedrock]\nregion = eu-central-1\n');
    const environment = terminalAwsConfig('eu-central-1', "'/storage/claude-code-helper' environment-keys");
    assert.match(environment, /^credential_process = '\/storage\/claude-code-helper' environment-keys$/m);
    assert.doesNotMatch(`${endpoint}${environment}`, /aws_access_key_id|aws_secret_access_key|aws_session_token/i);
  });

  it("prints the environment's keys in the credential_process format, and nothing when there are none", () => {
    assert.deepEqual(JSON.parse(environmentKeys({ AWS_ACCESS_KEY_ID: 'ASIAX', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' }) ?? ''), {
      Version: 1,
      AccessKeyId: 'ASIAX',
      SecretAccessKey: 's',
      SessionToken: 't',
    });
    assert.equal(environmentKeys({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }), undefined);
    assert.equal(environmentKeys({}), undefined);
  });
});

describe('terminal settings', () => {
  it('picks the inference profile of the region\'s geography', () => {
    assert.equal(geographyPrefix('us-west-2'), 'us');
    assert.equal(geographyPrefix('ca-central-1'), 'us');
    assert.equal(geographyPrefix('eu-central-1'), 'eu');
    assert.equal(geographyPrefix('ap-northeast-1'), 'apac');
    assert.equal(geographyPrefix('sa-east-1'), 'global');
    assert.equal(settings({ region: 'eu-west-1' }).model, 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.equal(settings({ region: 'ap-southeast-2' }).smallFastModel, 'apac.anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.equal(settings({ model: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc' }).model, 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc');
  });

  it('names what is wrong', () => {
    const checked = checkTerminalSettings({ terminalCredentials: 'file', maxOutputTokens: -1, bedrockEndpoint: 'http://bedrock.example.com', telemetryProtocol: 'udp' });
    assert.ok(!checked.ok);
    assert.deepEqual(
      checked.problems.map((p) => p.setting),
      ['claudeBedrock.maxOutputTokens', 'claudeBedrock.bedrockEndpoint', 'claudeBedrock.terminalCredentials', 'claudeBedrock.telemetryProtocol'],
    );
  });

  it('treats 0 as "leave Claude Code\'s default"', () => {
    assert.equal(settings({ maxOutputTokens: 0, maxThinkingTokens: 0 }).maxOutputTokens, undefined);
  });
});
