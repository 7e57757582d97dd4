// What Connect Claude Code shows before it writes (the plan, file by file) and what Connect,
// its follow-ups and Disconnect say after: done, or why not, with the button that opens the file.
import * as vscode from 'vscode';
import type { Action } from '../errors/failure';
import type { JsonPath } from './jsonEdit';
import type { Plan } from './plan';

export interface ConnectPlan {
  readonly plan: Plan;
  /** The panel's settings Connect changes. */
  readonly panel: readonly { readonly key: string; readonly before: unknown; readonly after: unknown }[];
  /** The settings file is a symbolic link: where it points, and whether that is there. */
  readonly link?: { readonly target: string; readonly exists: boolean };
}

export type Outcome =
  | {
      readonly ok: true;
      readonly file: string;
      /** Disconnect: keys changed since Connect wrote them, left as they are. */
      readonly kept: readonly JsonPath[];
      /** Connect without consent to make the file readable ("always"): why Claude Code still cannot read it. */
      readonly unreadable?: string;
      /** Disconnect: what Connect took out to make the file readable was put back, or left out. */
      readonly readable?: 'putBack' | 'leftOut';
    }
  | { readonly ok: false; readonly message: string; readonly file: string; readonly actions: readonly Action[] };

/** The button that opens the settings file in an editor. */
export function openFile(file: string): Action {
  return { kind: 'run', label: 'Open File', command: 'vscode.open', args: [vscode.Uri.file(file)] };
}
