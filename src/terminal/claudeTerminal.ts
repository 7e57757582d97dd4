// "Open Claude Code Terminal": a terminal named for it that starts `claude`.
import * as vscode from 'vscode';
import { findClaude } from './findClaude';

export const TERMINAL_NAME = 'Claude Code';
export const INSTALL_COMMAND = 'npm install -g @anthropic-ai/claude-code';

export interface OpenedTerminal {
  readonly terminal: vscode.Terminal;
  /** The CLI that was started, or undefined when it is not installed. */
  readonly claude: string | undefined;
}

export async function openClaudeTerminal(): Promise<OpenedTerminal> {
  const terminal = vscode.window.createTerminal({ name: TERMINAL_NAME, iconPath: new vscode.ThemeIcon('sparkle') });
  terminal.show();
  const claude = await findClaude();
  if (claude) terminal.sendText('claude');
  return { terminal, claude };
}
