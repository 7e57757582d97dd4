// What the status bar item says for each sign-in state. Pure, so the wording is unit-tested.
// Names come from the ID token: the item's text shows them with $(…) escaped (it renders icons),
// and the tooltip, Markdown whose links run commands, shows every line as literal text.
import type { AuthState } from '../auth/core';
import { displayName } from '../auth/identity';
import { expiresAt } from '../auth/session';
import type { Gateway } from '../claudeCode/gateway';
import { roleLabel, type ModelCheck } from '../models/check';
import { escapeIcons, markdownLiteral } from '../util/text';
import { clockTime } from './format';

export interface StatusLink {
  readonly label: string;
  readonly command: string;
}

export interface StatusView {
  readonly text: string;
  readonly tooltip: string;
  /** Links under the tooltip's text. */
  readonly links: readonly StatusLink[];
  readonly command: string;
  readonly warning: boolean;
}

const DIAGNOSE: StatusLink = { label: 'Diagnose', command: 'claudeBedrock.diagnose' };
const SIGN_IN: StatusLink = { label: 'Sign In', command: 'claudeBedrock.signIn' };

export function statusView(state: AuthState, modelProblems: readonly ModelCheck[] = [], gateway?: Gateway): StatusView {
  if (gateway) return gatewayView(state, gateway);
  switch (state.kind) {
    case 'signedOut':
      return {
        text: '$(sign-in) Claude: Sign In',
        tooltip: 'Claude Code on Amazon Bedrock: signed out. Click to sign in with your corporate account.',
        links: [SIGN_IN, DIAGNOSE],
        command: 'claudeBedrock.signIn',
        warning: false,
      };
    case 'signingIn':
      return {
        text: '$(loading~spin) Claude: Signing in…',
        tooltip: 'Finish signing in in your browser. Click to cancel.',
        links: [{ label: 'Cancel', command: 'claudeBedrock.cancelSignIn' }],
        command: 'claudeBedrock.cancelSignIn',
        warning: false,
      };
    case 'signedIn': {
      const { session } = state;
      const who = session.identity.name && session.identity.email ? `${session.identity.name} (${session.identity.email})` : displayName(session.identity);
      if (modelProblems.length > 0) {
        return {
          text: `$(warning) ${escapeIcons(displayName(session.identity))}`,
          tooltip: [
            'Claude Code on Amazon Bedrock',
            `Signed in as ${who}`,
            ...modelProblems.map((c) => `${roleLabel(c)} ${c.modelId}: ${c.reason}`),
            'Click for the model report and the fix.',
          ].join('\n'),
          links: [{ label: 'Model Report', command: 'claudeBedrock.showModelReport' }, DIAGNOSE],
          command: 'claudeBedrock.showModelReport',
          warning: true,
        };
      }
      return {
        text: `$(account) ${escapeIcons(displayName(session.identity))}`,
        tooltip: [
          'Claude Code on Amazon Bedrock',
          `Signed in as ${who}`,
          ...(session.assumedRoleArn ? [`Role: ${session.assumedRoleArn}`] : []),
          `Credentials valid until ${clockTime(expiresAt(session))}, renewed automatically.`,
          'Click for account details.',
        ].join('\n'),
        links: [{ label: 'Usage', command: 'claudeBedrock.showUsage' }, DIAGNOSE],
        command: 'claudeBedrock.showAccount',
        warning: false,
      };
    }
    case 'needsSignIn':
      return {
        text: '$(warning) Claude: Sign in again',
        tooltip: [
          'Claude Code on Amazon Bedrock',
          state.identity ? `${displayName(state.identity)} needs to sign in again.` : 'Sign-in needed.',
          state.reason,
          'Click to sign in.',
        ].join('\n'),
        links: [SIGN_IN, DIAGNOSE],
        command: 'claudeBedrock.signIn',
        warning: true,
      };
  }
}


/** A line as it is, in Markdown that renders $(icons) (statusBar.ts): icons are escaped under the Markdown. */
const literal = (line: string) => markdownLiteral(escapeIcons(line));

/** The tooltip's lines as they are (the first in bold, one per line), then its links. */
export function tooltipMarkdown(view: StatusView): string {
  const [title, ...lines] = view.tooltip.split('\n');
  const text = [`**${literal(title)}**`, ...lines.map(literal)].join('  \n');
  return `${text}\n\n${view.links.map((l) => `[${l.label}](command:${l.command})`).join(' · ')}`;
}

/** Claude Code signs in through the organisation's gateway: the extension stands aside, and says so. */
function gatewayView(state: AuthState, gateway: Gateway): StatusView {
  const signedIn = state.kind === 'signedIn';
  return {
    text: '$(organization) Claude: organisation gateway',
    tooltip: [
      `Claude Code signs in through your organisation's Claude apps gateway${gateway.url ? ` (${gateway.url})` : ''}${gateway.email ? ` as ${gateway.email}` : ''}; it outranks this extension's sign-in.`,
      signedIn ? 'This extension is still signed in, unused by Claude Code: Sign Out to end it.' : 'This extension does not sign in or change Claude Code\'s settings here.',
    ].join('\n'),
    links: signedIn ? [{ label: 'Sign Out', command: 'claudeBedrock.signOut' }, DIAGNOSE] : [DIAGNOSE],
    command: 'claudeBedrock.diagnose',
    warning: signedIn,
  };
}
