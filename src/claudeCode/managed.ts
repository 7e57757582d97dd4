// What an organisation pushes to Claude Code over the user's own settings, and what would take
// Claude Code away from this sign-in: managed settings (which outrank the user settings Connect
// writes), a forced sign-in through Claude apps gateway, CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST, and
// Bedrock variables Claude Code's own /setup-bedrock wrote. Each finding is a sentence with its
// fix; nothing here changes a file. Node only (reads files), no vscode.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseSettings } from './jsonEdit';

/** Where Claude Code reads managed settings on each platform: the file, and its drop-in folder. */
export function managedPlaces(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { readonly file: string; readonly dropIns: string } {
  const root =
    platform === 'darwin'
      ? '/Library/Application Support/ClaudeCode'
      : platform === 'win32'
        ? path.win32.join(env.ProgramFiles || 'C:\\Program Files', 'ClaudeCode')
        : '/etc/claude-code';
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return { file: join(root, 'managed-settings.json'), dropIns: join(root, 'managed-settings.d') };
}

/** Managed settings as Claude Code merges them: the file, then each drop-in in name order over it. */
export interface Managed {
  /** The files read, in order. */
  readonly files: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly forceLoginMethod: string | undefined;
  readonly gatewayUrl: string | undefined;
  /** Files that exist but could not be read as settings, with why. */
  readonly unreadable: readonly { readonly file: string; readonly why: string }[];
}

async function readSettings(file: string): Promise<{ value?: Record<string, unknown>; why?: string } | undefined> {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? undefined : `it cannot be read (${error.code ?? 'error'})`));
  if (text === undefined) return undefined;
  if (text.startsWith('it cannot be read')) return { why: text };
  const parsed = parseSettings(text);
  return parsed.ok ? { value: parsed.value } : { why: parsed.problem };
}

export async function readManaged(places: { readonly file: string; readonly dropIns: string }): Promise<Managed> {
  const dropIns = await fs.readdir(places.dropIns).then(
    (names) => names.filter((n) => n.endsWith('.json')).sort().map((n) => path.join(places.dropIns, n)),
    () => [] as string[],
  );
  const files: string[] = [];
  const unreadable: { file: string; why: string }[] = [];
  const env: Record<string, string> = {};
  let forceLoginMethod: string | undefined;
  let gatewayUrl: string | undefined;
  for (const file of [places.file, ...dropIns]) {
    const read = await readSettings(file);
    if (!read) continue;
    if (!read.value) {
      unreadable.push({ file, why: read.why ?? 'it is not JSON' });
      continue;
    }
    files.push(file);
    const settings = read.value;
    if (typeof settings.env === 'object' && settings.env !== null) {
      for (const [name, value] of Object.entries(settings.env as Record<string, unknown>)) if (typeof value === 'string') env[name] = value;
    }
    if (typeof settings.forceLoginMethod === 'string') forceLoginMethod = settings.forceLoginMethod;
    if (typeof settings.forceLoginGatewayUrl === 'string') gatewayUrl = settings.forceLoginGatewayUrl;
  }
  return { files, env, forceLoginMethod, gatewayUrl, unreadable };
}

/** Something that takes Claude Code away from this sign-in, or keeps Connect from working: what, and the fix. */
export interface Finding {
  readonly id: 'gateway' | 'managedEnv' | 'managedByHost' | 'unreadable';
  readonly found: string;
  readonly fix: string;
}

/** What in managed settings would win over the variables Connect writes and terminals set. */
const TAKES_OVER = ['CLAUDE_CODE_USE_BEDROCK', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'ANTHROPIC_MODEL', 'ANTHROPIC_BEDROCK_BASE_URL', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];

export function findings(managed: Managed, env: NodeJS.ProcessEnv): Finding[] {
  const out: Finding[] = [];
  const where = managed.files.join(', ');
  if (managed.forceLoginMethod === 'gateway') {
    out.push({
      id: 'gateway',
      found: `Your organisation's managed settings (${where}) make Claude Code sign in through Claude apps gateway${managed.gatewayUrl ? ` at ${managed.gatewayUrl}` : ''}: Claude Code uses the gateway, not this extension's sign-in.`,
      fix: "Sign in to Claude Code with /login, as your organisation asks; this extension's credentials are not needed.",
    });
  }
  const names = Object.keys(managed.env).filter((n) => TAKES_OVER.includes(n));
  if (names.length > 0) {
    out.push({
      id: 'managedEnv',
      found: `Your organisation's managed settings (${where}) set ${names.join(', ')} for Claude Code. Managed settings outrank your own settings and the variables this extension gives terminals, so Claude Code uses theirs and what Connect Claude Code writes cannot win.`,
      fix: 'Ask your platform team which way Claude Code should reach Bedrock here: through their managed settings, or through this extension.',
    });
  }
  if (env.CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST) {
    out.push({
      id: 'managedByHost',
      found: "CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST is set in VS Code's environment: Claude Code ignores the provider and sign-in variables in its settings files, so Connect Claude Code has no effect.",
      fix: 'Unset CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST where VS Code starts (your shell startup files or the program that launches VS Code), then restart VS Code.',
    });
  }
  for (const { file, why } of managed.unreadable) {
    out.push({ id: 'unreadable', found: `Claude Code's managed settings ${file} cannot be read: ${why}`, fix: 'Ask your platform team to fix the file; Claude Code may ignore it.' });
  }
  return out;
}
