// "Open Claude Code Terminal": a terminal named for it that starts `claude`, or says how to
// install it. Whether `claude` is on PATH is the terminal's own business (shell startup files,
// terminal.integrated.env): the command runs through shell integration, and an exit code of 127
// (command not found) means it is not installed. Without shell integration the command is typed
// into the shell, and the extension host's PATH is the best guess.
import * as vscode from 'vscode';
import { findClaude } from './findClaude';

export const TERMINAL_NAME = 'Claude Code';
export const INSTALL_COMMAND = 'npm install -g @anthropic-ai/claude-code';
const SHELL_INTEGRATION_WAIT_MS = 4_000;
const NOT_FOUND = 127;

function shellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), SHELL_INTEGRATION_WAIT_MS);
    const subscription = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal === terminal) finish(e.shellIntegration);
    });
    function finish(value: vscode.TerminalShellIntegration | undefined) {
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    }
  });
}

/**
 * Opens the terminal and starts claude in it. `onNotInstalled` is called when the shell could
 * not find it (at once, or when the command ends with "not found").
 */
export async function openClaudeTerminal(onNotInstalled: () => void): Promise<vscode.Terminal> {
  const terminal = vscode.window.createTerminal({ name: TERMINAL_NAME, iconPath: new vscode.ThemeIcon('sparkle') });
  terminal.show();
  const integration = await shellIntegration(terminal);
  if (integration) {
    const execution = integration.executeCommand('claude');
    const subscription = vscode.window.onDidEndTerminalShellExecution((e) => {
      if (e.execution !== execution) return;
      subscription.dispose();
      if (e.exitCode === NOT_FOUND) onNotInstalled();
    });
  } else {
    terminal.sendText('claude');
    if (!(await findClaude())) onNotInstalled();
  }
  return terminal;
}
