// Where Claude Code writes its session records on this machine. Pure.
import * as path from 'node:path';

/** The projects/ folders Claude Code writes to: each of CLAUDE_CONFIG_DIR's (comma-separated), else ~/.claude's and ~/.config/claude's. */
export function recordFolders(env: Record<string, string | undefined>, home: string): string[] {
  const configured = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const roots = configured.length > 0 ? configured : [path.join(home, '.claude'), path.join(home, '.config', 'claude')];
  return [...new Set(roots.map((r) => path.join(r, 'projects')))];
}
