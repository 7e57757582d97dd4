// The Amazon Bedrock control plane with @aws-sdk/client-bedrock, signed with the session's keys:
// inference profiles and foundation-model availability. Part of the AWS bundle (dist/aws.js, see
// index.ts), loaded on first use: no vscode imports.
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
  type InferenceProfileType,
} from '@aws-sdk/client-bedrock';
import { clientConfig, type AwsCredentials } from './credentials';

export interface BedrockTarget {
  readonly region: string;
  /** The control-plane endpoint: the regional public one, a VPC endpoint, or a test endpoint. */
  readonly endpoint: string;
  readonly credentials: AwsCredentials;
  /** No answer for this long ends an attempt. */
  readonly timeoutMs: number;
}

export interface ProfileInfo {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly status: string;
  readonly type: 'SYSTEM_DEFINED' | 'APPLICATION';
  /** Foundation-model ARNs the profile routes to. */
  readonly modelArns: readonly string[];
}

export interface ModelAvailability {
  readonly agreement: string;
  readonly agreementMessage: string | undefined;
  readonly authorization: string;
  readonly entitlement: string;
  readonly region: string;
}

export interface BedrockControl {
  listProfiles(type: 'SYSTEM_DEFINED' | 'APPLICATION'): Promise<ProfileInfo[]>;
  getProfile(idOrArn: string): Promise<ProfileInfo>;
  availability(modelId: string): Promise<ModelAvailability>;
  dispose(): void;
}

function toProfile(p: {
  inferenceProfileId?: string;
  inferenceProfileArn?: string;
  inferenceProfileName?: string;
  status?: string;
  type?: string;
  models?: { modelArn?: string }[];
}): ProfileInfo {
  return {
    id: p.inferenceProfileId ?? '',
    arn: p.inferenceProfileArn ?? '',
    name: p.inferenceProfileName ?? p.inferenceProfileId ?? '',
    status: p.status ?? 'UNKNOWN',
    type: p.type === 'APPLICATION' ? 'APPLICATION' : 'SYSTEM_DEFINED',
    modelArns: (p.models ?? []).map((m) => m.modelArn ?? '').filter(Boolean),
  };
}

/** A control-plane client. Two attempts per call: the caller backs off itself when throttled. */
export function bedrockControl(target: BedrockTarget): BedrockControl {
  const client = new BedrockClient(clientConfig(target.region, target.endpoint, target.credentials, 2, target.timeoutMs));
  return {
    async listProfiles(type) {
      const profiles: ProfileInfo[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListInferenceProfilesCommand({ typeEquals: type as InferenceProfileType, maxResults: 100, nextToken }));
        profiles.push(...(page.inferenceProfileSummaries ?? []).map(toProfile));
        nextToken = page.nextToken;
      } while (nextToken);
      return profiles;
    },
    async getProfile(idOrArn) {
      return toProfile(await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: idOrArn })));
    },
    async availability(modelId) {
      const out = await client.send(new GetFoundationModelAvailabilityCommand({ modelId }));
      return {
        agreement: out.agreementAvailability?.status ?? 'UNKNOWN',
        agreementMessage: out.agreementAvailability?.errorMessage,
        authorization: out.authorizationStatus ?? 'UNKNOWN',
        entitlement: out.entitlementAvailability ?? 'UNKNOWN',
        region: out.regionAvailability ?? 'UNKNOWN',
      };
    },
    dispose: () => client.destroy(),
  };
}
