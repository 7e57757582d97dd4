// Diagnose's Claude Code rows: the CLI a terminal finds and its version, the panel extension and
// whether it is connected, settings of Claude Code's that fight this extension's, shell startup
// files that export AWS profiles or keys, and the credentials endpoint and helper answering.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseSettings } from '../claudeCode/jsonEdit';
import { strictProblem } from '../claudeCode/looseJson';
import { AWS_KEY_NAMES } from '../claudeCode/plan';
import { LOGIN_PROMPT } from '../claudeCode/connection';
import { findings } from '../claudeCode/managed';
import { SIGN_IN } from '../errors/failure';
import { findClaude } from '../terminal/findClaude';
import { fail, pass, warning, type Check } from './check';
import type { DiagnoseContext } from './context';

/** The oldest Claude Code CLI this extension supports (its Bedrock variables and credential helpers). */
export const OLDEST_CLAUDE = '2.0.0';
const CONNECT = { kind: 'run', command: 'claudeBedrock.connectClaudeCode', label: 'Connect Claude Code' } as const;
const SHOW_USAGE = { kind: 'run', command: 'claudeBedrock.showUsage', label: 'Show Usage' } as const;
const RELOAD = { kind: 'run', command: 'workbench.action.reloadWindow', label: 'Reload Window' } as const;
const PANEL_VARIABLES = 'claudeCode.environmentVariables';
const STARTUP_FILES = ['.bashrc', '.bash_profile', '.profile', '.zshrc', '.zprofile', '.zshenv', path.join('.config', 'fish', 'config.fish')];
/** Variables that, exported by a shell or set in Claude Code's settings, take Claude Code elsewhere. */
const FIGHTING: readonly string[] = ['AWS_PROFILE', ...AWS_KEY_NAMES, 'AWS_BEARER_TOKEN_BEDROCK', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'];

/** The names in the panel's `claudeCode.environmentVariables` (a list of {name, value}) that take it elsewhere. */
function panelVariables(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const entries = value.filter((e): e is { name: string; value?: unknown } => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string');
  return entries
    .filter((e) => FIGHTING.includes(e.name) || (e.name === 'CLAUDE_CODE_USE_BEDROCK' && String(e.value) !== '1'))
    .map((e) => (e.name === 'CLAUDE_CODE_USE_BEDROCK' ? 'CLAUDE_CODE_USE_BEDROCK (not 1)' : e.name));
}

const READABLE_FIX = 'Connect Claude Code: it shows each comment and trailing comma, and takes them out when you agree. Or remove them yourself.';

/** Why Claude Code cannot read the settings file (comments, trailing commas, not JSON), or undefined. */
async function unreadableBy(file: string): Promise<string | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = parseSettings(text);
  return parsed.ok ? strictProblem(text) : parsed.problem;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** `claude --version`'s version, or undefined when it does not run. */
export function claudeVersion(file: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { env, signal, timeout: 15_000 }, (error, stdout) => resolve(error ? undefined : /(\d+\.\d+\.\d+)/.exec(stdout)?.[1]));
  });
}

export function claudeCodeChecks(ctx: DiagnoseContext): Check[] {
  return [
    {
      id: 'claude.cli',
      area: 'Claude Code',
      title: 'The claude command',
      why: 'Integrated terminals run the claude on their PATH; an old one does not know the variables this extension sets.',
      run: async (signal) => {
        const env = ctx.terminalEnv();
        const file = await findClaude(env);
        if (!file) return warning("No claude on a terminal's PATH (Claude Code's panel brings its own).", 'To use Claude Code in terminals, install it: npm install -g @anthropic-ai/claude-code');
        const version = await claudeVersion(file, env, signal);
        if (!version) return fail(`${file} does not answer --version.`, 'Reinstall Claude Code: npm install -g @anthropic-ai/claude-code');
        if (compareVersions(version, OLDEST_CLAUDE) < 0) return fail(`${file} is Claude Code ${version}, older than ${OLDEST_CLAUDE}, the oldest this extension supports.`, 'Update it: claude update (or npm install -g @anthropic-ai/claude-code).');
        return pass(`${file} is Claude Code ${version}.`);
      },
    },
    {
      id: 'claude.panel',
      area: 'Claude Code',
      title: "Claude Code's VS Code panel",
      why: "The panel runs Claude Code outside any terminal: it reaches Bedrock only when Claude Code's settings are connected.",
      run: async () => {
        const installed = ctx.claudeCode.panelInstalled();
        const connected = ctx.claudeCode.connected();
        const fighting = panelVariables(ctx.claudeCode.panelSetting(PANEL_VARIABLES));
        if (fighting.length) {
          return warning(
            `${PANEL_VARIABLES} (a VS Code setting of Claude Code's panel) sets ${fighting.join(', ')}: the panel uses ${fighting.length === 1 ? 'it' : 'them'} instead of this sign-in.`,
            `Remove ${fighting.length === 1 ? 'it' : 'them'} from ${PANEL_VARIABLES} in your VS Code settings.`,
            [{ kind: 'run', command: 'workbench.action.openSettings', args: [PANEL_VARIABLES], label: 'Open Settings' }],
          );
        }
        if (connected && installed && ctx.claudeCode.panelSetting(LOGIN_PROMPT) !== true) {
          return warning(`Connected, but ${LOGIN_PROMPT} is not on: the panel asks for an Anthropic login before it uses Bedrock.`, 'Connect Claude Code again: it turns the setting on.', [CONNECT]);
        }
        if (connected) {
          const unreadable = await unreadableBy(ctx.claudeCode.settingsFile);
          if (unreadable) return fail(`Connected, but Claude Code cannot read ${ctx.claudeCode.settingsFile} (${unreadable}): neither its panel nor claude uses this sign-in.`, READABLE_FIX, [CONNECT]);
          return pass(`Connected: Claude Code's settings (${ctx.claudeCode.settingsFile}) use this sign-in${installed ? ', for its panel too' : ''}.`);
        }
        if (installed) return warning("Claude Code's panel is installed but not connected: it does not use this sign-in.", 'Connect Claude Code.', [CONNECT]);
        return pass("Claude Code's panel is not installed; integrated terminals use the sign-in without it.");
      },
    },
    {
      id: 'claude.settings',
      area: 'Claude Code',
      title: "Claude Code's settings",
      why: "Keys or profiles in Claude Code's own settings override what this extension hands it.",
      run: async () => {
        const file = ctx.claudeCode.settingsFile;
        const text = await fs.readFile(file, 'utf8').catch(() => undefined);
        if (text === undefined) return pass(`${file} does not exist: nothing overrides the sign-in.`);
        const parsed = parseSettings(text);
        if (!parsed.ok) return fail(`${file} cannot be read: ${parsed.problem}.`, 'Correct the file: Claude Code ignores every setting in it while it is broken.');
        const loose = strictProblem(text);
        if (loose) return fail(`Claude Code cannot read ${file}: ${loose}. It reads its settings as plain JSON, and ignores every setting in the file while it has comments or trailing commas.`, READABLE_FIX, [CONNECT]);
        const env = (parsed.value.env ?? {}) as Record<string, unknown>;
        const found = FIGHTING.filter((n) => env[n] !== undefined);
        if (env.CLAUDE_CODE_USE_BEDROCK !== undefined && String(env.CLAUDE_CODE_USE_BEDROCK) !== '1') found.push('CLAUDE_CODE_USE_BEDROCK (not 1)');
        if (parsed.value.apiKeyHelper !== undefined) found.push('apiKeyHelper');
        if (found.length === 0) return pass(`${file} sets nothing that overrides the sign-in.`);
        return warning(`${file} sets ${found.join(', ')}: Claude Code uses ${found.length === 1 ? 'it' : 'them'} instead of this sign-in.`, 'Remove them from that file, or Connect Claude Code, which replaces them (and puts them back on Disconnect).', [CONNECT]);
      },
    },
    {
      id: 'claude.managed',
      area: 'Claude Code',
      title: 'What your organisation pushes to Claude Code',
      why: "Managed settings outrank your own, a forced gateway sign-in outranks Bedrock, and a host can make Claude Code ignore its settings' providers.",
      run: async () => {
        const managed = await ctx.managedSettings();
        const found = findings(managed, ctx.env);
        if (found.length === 0) return pass(managed.files.length > 0 ? `Managed settings (${managed.files.join(', ')}) leave Claude Code's way to Bedrock to this sign-in.` : 'No managed settings: nothing outranks this sign-in.');
        return warning(found.map((f) => f.found).join(' '), found.map((f) => f.fix).join(' '));
      },
    },
    {
      id: 'claude.gatewaySession',
      area: 'Claude Code',
      title: "Claude Code's sign-in: this extension, or your organisation's gateway",
      why: "A Claude apps gateway session outranks CLAUDE_CODE_USE_BEDROCK: Claude Code would not use this extension's sign-in.",
      run: async () => {
        const gateway = await ctx.gateway();
        if (!gateway) return pass("Claude Code is not signed in to a Claude apps gateway here: it uses this extension's sign-in.");
        return warning(`${gateway.found} It outranks this extension's sign-in: this extension stands aside (no keys minted, nothing written to Claude Code's settings).`, "Nothing to do if your organisation runs the gateway; to use this extension's sign-in instead, run /logout in Claude Code.");
      },
    },
    {
      id: 'claude.gateway',
      area: 'Claude Code',
      title: "Your organisation's Claude apps gateway",
      why: 'Where managed settings send Claude Code to a gateway, it must answer over TLS a machine trusts.',
      run: async (signal) => {
        const managed = await ctx.managedSettings();
        if (managed.forceLoginMethod !== 'gateway' || !managed.gatewayUrl) return pass('Claude Code is not sent to a gateway.');
        const answer = await gatewayAnswers(managed.gatewayUrl, signal);
        return answer.ok
          ? pass(`${managed.gatewayUrl} answers its sign-in discovery over TLS (issuer ${answer.detail}). Claude Code signs in there, not through this extension.`)
          : fail(`${managed.gatewayUrl} does not answer its sign-in discovery: ${answer.detail}`, answer.fix);
      },
    },
    {
      id: 'claude.shell',
      area: 'Claude Code',
      title: 'Shell startup files',
      why: 'A profile or keys exported at shell start take claude in a terminal to another account.',
      run: async () => {
        const hits: string[] = [];
        for (const name of STARTUP_FILES) {
          const text = await fs.readFile(path.join(ctx.home, name), 'utf8').catch(() => undefined);
          if (!text) continue;
          text.split('\n').forEach((line, i) => {
            const m = /^\s*(?:export\s+|set\s+-gx\s+|setenv\s+)?([A-Z_]+)[=\s]/.exec(line);
            if (m && FIGHTING.includes(m[1]) && !line.trimStart().startsWith('#')) hits.push(`${m[1]} in ~/${name}:${i + 1}`);
          });
        }
        if (hits.length === 0) return pass('No shell startup file exports an AWS profile, AWS keys or an Anthropic key.');
        return warning(`Exported at shell start: ${hits.join(', ')}.`, "Remove those lines (or unset them in VS Code's terminals): claude in a terminal would use them instead of this sign-in.");
      },
    },
    {
      id: 'claude.endpoint',
      area: 'Claude Code',
      title: 'The credentials endpoint and the helper',
      why: 'claude in a terminal asks the endpoint for keys; Claude Code elsewhere asks the helper.',
      run: async (signal) => {
        const endpoint = await ctx.endpoint();
        if (!ctx.sessions.usableSession || !endpoint) return fail('Not signed in: neither the endpoint nor the helper has keys to hand out.', 'Sign in.', [SIGN_IN]);
        const res = await fetch(endpoint.uri, { headers: { authorization: endpoint.token }, signal }).catch((e: unknown) => e as Error);
        if (res instanceof Error) return fail(`The credentials endpoint does not answer: ${res.message}`, 'Reload the window (it starts the endpoint again); if it persists, copy this report for your platform team.', [RELOAD]);
        const body = (await res.json().catch(() => ({}))) as { AccessKeyId?: unknown; code?: unknown; message?: unknown };
        if (body.code === 'QuotaExceeded') return fail(`The credentials endpoint hands out no keys: ${String(body.message)}`, 'Wait for your quota to reset, or ask your platform team for more.', [SHOW_USAGE]);
        if (res.status !== 200 || typeof body.AccessKeyId !== 'string') return fail(`The credentials endpoint answered HTTP ${res.status} without keys.`, 'Sign in again; then Check Again.', [SIGN_IN]);
        if (!ctx.claudeCode.connected()) return pass('The credentials endpoint hands out the session\'s keys. (The helper is used once Claude Code is connected.)');
        const helper = await ctx.helperAnswers(signal);
        if (!helper.ok) return fail(`The credentials endpoint answers, but the helper Claude Code runs does not: ${helper.detail}`, "Reload the window: it writes the helper's launcher again. If that does not help, Connect Claude Code again.", [RELOAD, CONNECT]);
        return pass('The credentials endpoint and the helper both hand out the session\'s keys.');
      },
    },
  ];
}

/** TLS failures a developer's machine can have with a gateway, in words, with the fix. */
const TLS_WORDS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: "its certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a certificate this machine does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its certificate's issuer is not trusted on this machine",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its certificate's issuer is not trusted on this machine",
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another name',
};

/** Whether the gateway's OAuth discovery document answers; its issuer, or what went wrong and the fix. */
export async function gatewayAnswers(base: string, signal: AbortSignal): Promise<{ ok: true; detail: string } | { ok: false; detail: string; fix: string }> {
  let url: URL;
  try {
    url = new URL('/.well-known/oauth-authorization-server', base);
  } catch {
    return { ok: false, detail: 'the address in the managed settings is not a URL.', fix: 'Ask your platform team to correct forceLoginGatewayUrl.' };
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]), redirect: 'error' });
    const body = (await response.json().catch(() => undefined)) as { issuer?: unknown } | undefined;
    if (!response.ok || typeof body?.issuer !== 'string') return { ok: false, detail: `it answered HTTP ${response.status} without a discovery document.`, fix: 'Ask your platform team whether the gateway is running.' };
    return { ok: true, detail: body.issuer };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
    const code = String(cause?.code ?? cause?.errors?.[0]?.code ?? (error as { code?: unknown }).code ?? '');
    const tls = TLS_WORDS[code];
    if (tls) return { ok: false, detail: `${tls} (${code}).`, fix: 'Install your organisation\'s CA certificate on this machine (and NODE_EXTRA_CA_CERTS for Claude Code), or ask your platform team to fix the certificate.' };
    return { ok: false, detail: `it could not be reached (${code || 'no answer'}).`, fix: 'Check your network or VPN, then run Diagnose again.' };
  }
}
