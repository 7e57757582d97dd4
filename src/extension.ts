// activate(): as little as possible, so activation costs what an empty extension costs. It
// shows the account item, registers the commands, and loads the extension's body (dist/main.js,
// see main.ts) right after activation returns; a command run before that waits for it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as MainModule from './main';

export function activate(context: vscode.ExtensionContext): void {
  boot(context).catch((error: unknown) => console.error('Claude Code on Amazon Bedrock could not start:', error));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** Activation's work; resolves with the running extension once its body has loaded. */
export function boot(context: vscode.ExtensionContext): Promise<MainModule.Running> {
  const item = vscode.window.createStatusBarItem('claudeBedrock.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Claude Bedrock';
  item.text = '$(account) Claude';
  item.tooltip = 'Claude Code on Amazon Bedrock';
  item.show();
  context.subscriptions.push(item);

  const running = new Promise<MainModule.Running>((resolve, reject) => {
    setImmediate(() => {
      try {
        // A computed path: esbuild leaves the body to its own bundle, loaded here.
        const main = require(path.join(__dirname, 'main.js')) as typeof MainModule;
        resolve(main.start(context, item));
      } catch (error) {
        reject(error);
      }
    });
  });
  const commands = (context.extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
  for (const { command } of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(command, async (...args: unknown[]) => (await running).commands[command]?.(...args)));
  }
  return running;
}
