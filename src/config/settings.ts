// Every setting of the extension, once: its rule (type, default, range, pattern), what the
// Settings editor says of it, and which parts of the extension react when it changes.
// package.json's `contributes.configuration` and src/config/orgDefaults.schema.json are
// generated from this table (`npm run settings`), and a unit test fails when they differ.
//
// All of them are machine-scoped: a user (or a remote machine) may set them, a workspace may
// not, so a repository's .vscode/settings.json cannot send a developer's sign-in elsewhere.
import * as claudeCode from './claudeCodeSettings';
import type { Setting } from './rules';
import * as signIn from './signInSettings';
import * as usage from './usageSettings';

export * from './claudeCodeSettings';
export * from './signInSettings';
export * from './usageSettings';

/** Every setting, in the order the Settings editor shows them. The parts export settings only: this type holds them to it. */
export const SETTINGS: readonly Setting<unknown>[] = [...Object.values(signIn), ...Object.values(claudeCode), ...Object.values(usage)].sort((a, b) => a.order - b.order);
