// activate(): as little as possible, so activation costs what an empty extension costs. It
// shows the account item, registers the commands, and loads the extension's body (dist/main.js,
// see main.ts: the log, the session, everything else) right after activation returns; a command
// run before that waits for it.
import * as vscode from 'vscode';
import { loadMain } from './lazy';
import type * as MainModule from './main';

export function activate(context: vscode.ExtensionContext): { ready: Promise<void> } {
  const item = vscode.window.createStatusBarItem('claudeBedrock.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Claude Bedrock';
  item.text = '$(account) Claude';
  item.tooltip = 'Claude Code on Amazon Bedrock';
  item.show();
  context.subscriptions.push(item);

  const exports: { ready: Promise<void> } = { ready: Promise.resolve() };
  const main = new Promise<MainModule.Main>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(loadMain().start(context, item));
      } catch (error) {
        reject(error);
      }
    });
  });
  main.catch((error: unknown) => console.error('Claude Code on Amazon Bedrock could not start:', error));
  exports.ready = main.then((m) => {
    if (m.testApi) Object.assign(exports, m.testApi, { ready: m.testApi.ready });
    return m.testApi?.ready;
  });

  const commands = (context.extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
  for (const { command } of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(command, async (...args: unknown[]) => (await main).commands[command]?.(...args)));
  }
  return exports;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
