// Where Claude Code keeps its user settings, and where the AWS CLI keeps its profiles. Pure.
import * as path from 'node:path';

/** ~/.claude/settings.json, or in $CLAUDE_CONFIG_DIR when set (as Claude Code reads it). */
export function claudeSettingsFile(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(env.CLAUDE_CONFIG_DIR || path.join(home, '.claude'), 'settings.json');
}

/** ~/.aws/config, or $AWS_CONFIG_FILE when set. */
export function awsConfigFile(env: NodeJS.ProcessEnv, home: string): string {
  return env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
}

/** The profiles of an AWS config file that get keys from a credential_process (the AWS guidance's way). */
export function credentialProcessProfiles(configText: string): string[] {
  const found: string[] = [];
  let section: string | undefined;
  for (const line of configText.split(/\r?\n/)) {
    const header = /^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]\s*$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    if (section && /^\s*credential_process\s*=/.test(line) && !found.includes(section)) found.push(section);
  }
  return found;
}
