// The command Claude Code runs for credentials: a small script in the extension's global
// storage that starts the helper (dist/helper.js) with VS Code's own runtime. It is written again
// at every activation, because the runtime's path changes when VS Code updates; Claude Code's
// settings name the script, whose path does not change. It holds paths only, never a secret.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface Launcher {
  /** The script Claude Code's settings name. */
  readonly script: string;
  /** The shell command for one of the helper's commands. */
  command(sub: 'export' | 'refresh' | 'otel-headers' | 'environment-keys' | 'statusline'): string;
}

export interface LauncherPlace {
  readonly storageDir: string;
  /** VS Code's runtime: the extension host's own executable (Node, or Electron run as Node). */
  readonly runtime: string;
  /** dist/helper.js of this extension. */
  readonly helper: string;
  readonly platform: NodeJS.Platform;
}

/** A word for a POSIX shell: single-quoted, with any single quote closed, escaped and reopened. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A word for a line of a .cmd file: in double quotes, where cmd.exe takes `&`, `|`, `<`, `>`,
 * `^` and spaces as they are, but still expands `%NAME%` (a user name with `%` in it would
 * change the path), so each `%` is doubled, the batch file's escape for it. `!` is literal
 * too, because the script turns delayed expansion off before this line. A Windows path holds
 * no `"`, and no line break.
 */
export function cmdWord(text: string): string {
  return `"${text.replace(/%/g, '%%')}"`;
}

export function launcherFor(place: LauncherPlace): { launcher: Launcher; text: string } {
  const windows = place.platform === 'win32';
  const script = path.join(place.storageDir, windows ? 'claude-code-helper.cmd' : 'claude-code-helper');
  const text = windows
    ? [
        '@echo off',
        // `!` in a path stays literal even where delayed expansion is on by default (registry).
        'setlocal DisableDelayedExpansion',
        'rem Claude Code on Amazon Bedrock: runs its credentials helper with VS Code\'s own runtime. Written again each time VS Code starts.',
        'set ELECTRON_RUN_AS_NODE=1',
        `${cmdWord(place.runtime)} ${cmdWord(place.helper)} --storage ${cmdWord(place.storageDir)} %*`,
        '',
      ].join('\r\n')
    : [
        '#!/bin/sh',
        "# Claude Code on Amazon Bedrock: runs its credentials helper with VS Code's own runtime.",
        '# Written again each time VS Code starts (the runtime moves when VS Code updates). No secret here.',
        `ELECTRON_RUN_AS_NODE=1 exec ${shellWord(place.runtime)} ${shellWord(place.helper)} --storage ${shellWord(place.storageDir)} "$@"`,
        '',
      ].join('\n');
  const quoted = windows ? `"${script}"` : shellWord(script);
  return { launcher: { script, command: (sub) => `${quoted} ${sub}` }, text };
}

/**
 * The launcher, written on first use and then the same for the window's lifetime (the terminals
 * and Claude Code's connection both ask for it).
 */
export function launcherOnce(place: LauncherPlace): () => Promise<Launcher> {
  let written: Promise<Launcher> | undefined;
  return () => (written ??= writeLauncher(place));
}

/** Writes the script when it differs from what is there (or is missing). */
export async function writeLauncher(place: LauncherPlace): Promise<Launcher> {
  const { launcher, text } = launcherFor(place);
  await fs.mkdir(place.storageDir, { recursive: true });
  const existing = await fs.readFile(launcher.script, 'utf8').catch(() => undefined);
  if (existing !== text) {
    const temp = `${launcher.script}.${process.pid}.tmp`;
    await fs.writeFile(temp, text, { mode: 0o755 });
    await fs.rename(temp, launcher.script);
  }
  return launcher;
}
