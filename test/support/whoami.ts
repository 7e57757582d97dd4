// Who the AWS SDK's own default credential chain signs requests as: what any AWS tool of the
// developer's (the AWS CLI, Terraform, CDK) would be. Run in a terminal by the integration tests.
//   node whoami.mjs <STS endpoint>   -> the caller's ARN, or the SDK's error (exit 1)
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const client = new STSClient({ endpoint: process.argv[2], region: process.env.AWS_REGION ?? 'us-east-1' });
try {
  const out = await client.send(new GetCallerIdentityCommand({}));
  process.stdout.write(`${out.Arn}\n`);
} catch (error) {
  process.stdout.write(`${(error as Error).name}: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
