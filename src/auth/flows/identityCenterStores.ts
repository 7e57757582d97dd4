// Where IAM Identity Center's flow keeps what outlives one sign-in: this extension's client
// registrations (SecretStorage: each holds a client secret) and the account and role each user
// chose (globalState: nothing secret), both by the access portal's start URL.
import type * as vscode from 'vscode';
import type { Registration } from '../../aws/sso';
import type { IdentityCenterOptions, RoleChoice } from './identityCenter';

const REGISTRATION = 'claudeBedrock.ssoRegistration:';
const CHOICES = 'claudeBedrock.ssoChoices';

export function registrationsIn(secrets: vscode.SecretStorage): IdentityCenterOptions['registrations'] {
  return {
    get: async (startUrl) => {
      const raw = await secrets.get(`${REGISTRATION}${startUrl}`);
      return raw ? (JSON.parse(raw) as Registration) : undefined;
    },
    set: async (startUrl, registration) => secrets.store(`${REGISTRATION}${startUrl}`, JSON.stringify(registration)),
  };
}

export function choicesIn(memento: vscode.Memento): IdentityCenterOptions['remembered'] {
  const all = () => memento.get<Record<string, RoleChoice>>(CHOICES);
  return {
    get: (startUrl) => all()?.[startUrl],
    set: async (startUrl, choice) => memento.update(CHOICES, { ...all(), [startUrl]: choice }),
    clear: async () => memento.update(CHOICES, undefined),
  };
}
