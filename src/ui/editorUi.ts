// What the sign-in needs of the editor, made of VS Code's API: a cancellable progress
// notification, and the way to the user's browser. Words from outside (a device code's page, an
// account's name) are shown as text: a progress message renders links as a notification does,
// and quick pick items render $(icons).
import * as vscode from 'vscode';
import type { RoleChoice } from '../auth/flows/identityCenter';
import type { DeviceCodeUi } from '../auth/flows/ssoDeviceCode';
import type { SignInUi } from '../auth/signIn';
import type { AccountChoice } from '../aws/sso';
import type { BrowserUi } from '../browser/authorize';
import { PANEL_EXTENSION, type PanelSettings } from '../claudeCode/connection';
import type { Notify } from '../errors/failure';
import type { Notifier } from './notify';
import { escapeIcons, inert } from '../util/text';

export function signInProgress(window: Pick<typeof vscode.window, 'withProgress'> = vscode.window): SignInUi {
  return {
    progress: async (title, task) =>
      window.withProgress({ location: vscode.ProgressLocation.Notification, title: inert(title), cancellable: true }, (progress, token) => {
        const cancelled = new AbortController();
        const subscription = token.onCancellationRequested(() => cancelled.abort());
        return task((message) => progress.report({ message: inert(message) }), cancelled.signal).finally(() => subscription.dispose());
      }),
  };
}

export function browserUi(notify: Notify): BrowserUi {
  return {
    open: async (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
    reachable: async (uri) => (await vscode.env.asExternalUri(vscode.Uri.parse(uri))).toString(true),
    cannotOpen: (url) =>
      notify.show('warning', 'VS Code could not open your browser. Copy the sign-in link and open it in a browser on this computer.', [{ kind: 'copyLink', text: url }]),
  };
}

/** IAM Identity Center's device code: shown in a dialog whose button copies it and opens the portal's page. */
export function deviceCodeUi(browser: BrowserUi, notifier: Pick<Notifier, 'ask'>): DeviceCodeUi {
  return {
    present: async (userCode, url) => {
      const go = await notifier.ask({
        message: `Your IAM Identity Center sign-in code: ${userCode}`,
        detail: 'Copy the code, then allow the request on the AWS access portal page that opens in your browser (on any computer). VS Code waits for you there.',
        yes: 'Copy Code & Open Browser',
      });
      if (!go) return false;
      await Promise.resolve(vscode.env.clipboard.writeText(userCode)).catch(() => undefined);
      if (!(await browser.open(url))) browser.cannotOpen(url);
      return true;
    },
  };
}

/** The Claude Code extension's own settings, at user level (written only when it is installed). */
export function panelSettings(): PanelSettings {
  return {
    installed: () => vscode.extensions.getExtension(PANEL_EXTENSION) !== undefined,
    get: (key) => vscode.workspace.getConfiguration().inspect(key)?.globalValue,
    set: async (key, value) => vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global),
  };
}

/** One quick pick item per account and permission set, its names as Identity Center gave them. */
export function roleItems(choices: readonly AccountChoice[]): (vscode.QuickPickItem & { readonly choice: RoleChoice })[] {
  return choices.flatMap((a) =>
    a.roles.map((roleName) => ({ label: escapeIcons(roleName), description: escapeIcons(`${a.accountName} (${a.accountId})`), choice: { accountId: a.accountId, roleName } })),
  );
}

/** IAM Identity Center: the user picks the account and permission set Claude Code runs as, once. */
export async function chooseRole(choices: readonly AccountChoice[]): Promise<RoleChoice | undefined> {
  const picked = await vscode.window.showQuickPick(roleItems(choices), {
    title: 'Claude Bedrock: which AWS account and permission set should Claude Code use?',
    placeHolder: 'Claude Code uses it until you sign out; sign in again to choose another.',
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  return picked?.choice;
}
