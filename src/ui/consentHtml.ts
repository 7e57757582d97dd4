// The consent view's page: what Connect Claude Code changes, file by file, in plain words, the
// conflicts it can remove (each with its own box), the status line it offers (a box, ticked),
// and the buttons. The page sends the ids of the ticked boxes as `fixes`. Pure: rendered in the
// extension host; its only script is media/consent.js, allowed by nonce.
import type { ConnectPlan } from '../claudeCode/connection';
import type { JsonPath } from '../claudeCode/jsonEdit';
import type { LoosePart } from '../claudeCode/looseJson';
import { isGuidanceCommand, STATUS_LINE, type Change } from '../claudeCode/plan';
import { escapeHtml } from '../util/html';
import { webviewPage, type WebviewFiles } from './webviewPage';

/** The only messages the page sends; anything else is dropped. */
export type ConsentMessage = { readonly type: 'connect'; readonly fixes: readonly string[] } | { readonly type: 'cancel' };

export function isConsentMessage(message: unknown): message is ConsentMessage {
  const m = message as { type?: unknown; fixes?: unknown } | null;
  if (typeof m !== 'object' || m === null) return false;
  if (m.type === 'cancel') return Object.keys(m).length === 1;
  return m.type === 'connect' && Array.isArray(m.fixes) && m.fixes.every((f) => typeof f === 'string') && Object.keys(m).length === 2;
}

export interface ConsentPage extends WebviewFiles {
  /** How the page names the settings file (~ for the home folder). */
  readonly fileLabel: string;
}

const HELPERS: Record<string, string> = {
  awsCredentialExport: "this extension's helper, which hands Claude Code the session's keys from VS Code when it asks",
  awsAuthRefresh: "this extension's helper, which signs you in through VS Code when Claude Code finds no keys",
  otelHeadersHelper: "this extension's helper, which tells your usage collector who you are",
  statusLine: "this extension's status line, which shows who is signed in, your quota, today's usage and when the keys renew",
};

/** The status line Connect offers where the file has none: a box, ticked, and what it shows. */
function statusLineSection(offer: Change | undefined): string {
  if (!offer) return '';
  return `<h2>Claude Code's status line <span class="what">optional</span></h2>
<ul id="statusLine"><li><label><input type="checkbox" class="fix" id="statusLineChoice" value="${STATUS_LINE}" checked> Set ${name(offer.path)} to this extension's helper.</label><p class="why">Under its prompt, in a terminal and in its panel, Claude Code then shows who is signed in, your quota headroom, today's tokens and cost on this machine, and when the keys renew. You have no status line of your own; Disconnect takes this one out.</p></li></ul>`;
}

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const name = (path: JsonPath) => code(path.join('.'));

function shown(value: unknown): string {
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

function changeWords(change: Change): string {
  const key = change.path[change.path.length - 1];
  if (change.after === undefined) return `Remove ${name(change.path)}, which this extension set and no longer needs.`;
  const helper = change.path.length === 1 ? HELPERS[key] : undefined;
  const what = helper ? `Set ${name(change.path)} to ${helper}.` : `Set ${name(change.path)} to ${shown(change.after)}.`;
  if (change.before === undefined) return what;
  if (isGuidanceCommand(change.before)) return `${what} This replaces the AWS guidance's credential-process.`;
  return `${what} It was ${shown(change.before)}; Disconnect puts that back.`;
}

/** Where a comment or comma sits, and what it is (a comment's own words, as text). */
function partWords(part: LoosePart): string {
  if (part.kind === 'comma') return `Line ${part.line}: the comma after the last entry.`;
  return `Line ${part.line}: the comment ${code(part.text)}`;
}

function readableSection(unreadable: NonNullable<ConnectPlan['plan']['unreadable']>): string {
  return `<h2>Claude Code cannot read this file</h2>
<p id="unreadable">Claude Code reads its settings as plain JSON, and ignores every setting in a file with a comment or a comma after the last entry, your own included: ${escapeHtml(unreadable.why)}. So Connect also takes these out:</p>
<ul id="readable">${unreadable.parts.map((p) => `<li>${partWords(p)}</li>`).join('')}</ul>
<p class="keep">Disconnect puts them back where they were if the settings in the file are then the ones you have now. If you or Claude Code change a setting in the file meanwhile, they stay out: with them back, Claude Code would ignore that setting too.</p>`;
}

export function renderConsent(connect: ConnectPlan, page: ConsentPage): string {
  const { plan } = connect;
  const changes = plan.changes.map((c) => `<li>${changeWords(c)}</li>`).join('');
  const conflicts = plan.conflicts
    .map(
      (c) =>
        `<li><label><input type="checkbox" class="fix" value="${escapeHtml(c.id)}" checked> Remove ${c.paths.map(name).join(', ')}.</label><p class="why">${escapeHtml(c.why)} Disconnect puts it back.</p></li>`,
    )
    .join('');
  const panel = connect.panel
    .map((p) => `<li>Set ${code(p.key)} to ${shown(p.after)}, so Claude Code's panel does not ask for an Anthropic login.</li>`)
    .join('');
  const body = `<h1>Connect Claude Code to your sign-in</h1>
<p>Claude Code everywhere on this machine (its VS Code panel, and <code>claude</code> in any terminal, inside or outside VS Code) will run on Amazon Bedrock with the session you signed in with here. Nothing secret is written to any file: the keys stay in VS Code and reach Claude Code through the helper, when it asks.</p>
<h2>${escapeHtml(page.fileLabel)} <span class="what">Claude Code's user settings</span></h2>
${connect.link ? `<p class="note" id="link">${escapeHtml(page.fileLabel)} is a link to ${code(connect.link.target)}: the changes are written there, and the link stays.</p>` : ''}
${changes ? `<ul id="changes">${changes}</ul>` : '<p id="changes">Nothing to change: the file already holds all of it.</p>'}
${plan.replacesGuidance ? '<p class="note">This file was set up by the AWS guidance\'s installer; its entries are replaced and put back on Disconnect.</p>' : ''}
<p class="keep">Everything else in the file stays as it is, order and formatting included.</p>
${plan.unreadable ? readableSection(plan.unreadable) : ''}
${statusLineSection(plan.statusLine)}
${conflicts ? `<h2>Would win over your sign-in</h2><ul id="conflicts">${conflicts}</ul>` : ''}
${panel ? `<h2>VS Code user settings <span class="what">Claude Code's panel</span></h2><ul id="panel">${panel}</ul>` : ''}
<p><strong>Disconnect Claude Code</strong> takes out what Connect wrote and puts back each value it replaced; whatever you or Claude Code write in the file meanwhile stays. Signing out does not change these files: Claude Code then just gets no keys.</p>
<div class="buttons"><button id="connect">Connect</button> <button id="cancel" class="secondary">Cancel</button></div>`;
  return webviewPage(page, { title: 'Connect Claude Code', style: { href: page.styleUri }, script: page.scriptUri, body });
}
