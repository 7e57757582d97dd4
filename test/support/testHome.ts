// The home folder every VS Code server, terminal and CLI the tests start gets: never the home
// of whoever runs the tests. A developer's own AWS profiles and shell startup are in it.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { IssuedKey } from './aws/sts';
import { ROOT } from './paths';

/**
 * A developer's home as terminals see it: AWS profiles of their own (a [default] and a [work]
 * with keys AWS does not know), and a .bashrc that exports AWS_PROFILE=work. Claude Code in a
 * VS Code terminal must still use the signed-in session's keys.
 */
export function writeTerminalHome(home: string, own: IssuedKey): void {
  mkdirSync(path.join(home, '.aws'), { recursive: true });
  writeFileSync(
    path.join(home, '.aws', 'credentials'),
    [
      '[default]\naws_access_key_id = AKIA_DEFAULT_PROFILE_NOT_REAL\naws_secret_access_key = not-a-real-secret-default\n',
      '[work]\naws_access_key_id = AKIA_WORK_PROFILE_NOT_REAL\naws_secret_access_key = not-a-real-secret-work\n',
      // A profile of the developer's own that AWS (the emulator) accepts: their own tools use it.
      `[mine]\naws_access_key_id = ${own.accessKeyId}\naws_secret_access_key = ${own.secretAccessKey}\naws_session_token = ${own.sessionToken}\n`,
    ].join('\n'),
  );
  writeFileSync(path.join(home, '.aws', 'config'), '[default]\nregion = eu-west-1\n\n[profile work]\nregion = eu-west-1\n\n[profile mine]\nregion = us-east-1\n');
  // Claude Code on PATH the way an installer puts it there; VS Code resolves the terminals'
  // environment from the login shell, so PATH is set here rather than in the server's env. The
  // shell exports AWS_PROFILE=work, as many developers' do (a terminal started with another keeps it).
  const bashrc = `export PATH="${path.join(ROOT, 'node_modules', '.bin')}:$PATH"\nexport AWS_PROFILE=\${AWS_PROFILE:-work}\n`;
  writeFileSync(path.join(home, '.bashrc'), bashrc);
  writeFileSync(path.join(home, '.profile'), '[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"\n');
}

/** What the VS Code server (and so its terminals) runs with: that home, bash, a quiet CLI. */
export function terminalEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    SHELL: '/bin/bash',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}

