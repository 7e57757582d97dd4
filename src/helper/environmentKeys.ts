// `helper environment-keys`: the keys of the environment it runs in, in the format of an AWS
// profile's `credential_process`. In environment mode (claudeBedrock.terminalCredentials) a
// terminal holds the session's keys in AWS_ACCESS_KEY_ID and the rest, and AWS_PROFILE names the
// terminals' own profile; the AWS SDK for JavaScript (Claude Code's) skips environment keys
// whenever AWS_PROFILE is set, and reads that profile, whose credential_process is this. The
// AWS CLI takes the environment keys first and never runs it. Nothing is asked of VS Code.

/** The JSON a credential_process prints, or undefined when the environment holds no keys. */
export function environmentKeys(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const answer: Record<string, string | number> = { Version: 1, AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey };
  if (env.AWS_SESSION_TOKEN) answer.SessionToken = env.AWS_SESSION_TOKEN;
  return JSON.stringify(answer);
}
