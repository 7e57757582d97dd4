// Whether Claude Code on this machine signs in through the organisation's Claude apps gateway: a
// signed-in gateway session outranks CLAUDE_CODE_USE_BEDROCK, so this extension's sign-in would
// go unused. Claude Code keeps the session in `.credentials.json` in its config folder (the key
// `enterpriseGateway`), and uses it only beside a trust entry for the gateway's host
// (`gatewayTrust`); managed settings can force the gateway too (managed.ts). Only the gateway's
// address and the email are read; the token never leaves the file. Node only (reads a file).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Managed } from './managed';

export interface Gateway {
  /** The gateway's address, as Claude Code keeps it (or the managed settings say it). */
  readonly url: string | undefined;
  readonly email: string | undefined;
  /** How it was found, in words, for Diagnose. */
  readonly found: string;
}

/** <CLAUDE_CONFIG_DIR or ~/.claude>/.credentials.json. */
export function credentialsFile(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(env.CLAUDE_CONFIG_DIR || path.join(home, '.claude'), '.credentials.json');
}

function hostOf(url: string): string | undefined {
  try {
    // Claude Code keys its trust by the host name alone, without the port.
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** A gateway session Claude Code would use now: trusted, and not expired (or renewable). */
export async function gatewaySession(file: string, now: number): Promise<Gateway | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  let stored: { enterpriseGateway?: { url?: unknown; expiresAt?: unknown; idpRefreshToken?: unknown; email?: unknown }; gatewayTrust?: Record<string, unknown> };
  try {
    stored = JSON.parse(text) as typeof stored;
  } catch {
    return undefined;
  }
  const session = stored.enterpriseGateway;
  const url = typeof session?.url === 'string' ? session.url : undefined;
  const host = url ? hostOf(url) : undefined;
  if (!session || !url || !host || stored.gatewayTrust?.[host] === undefined) return undefined;
  const expiresAt = typeof session.expiresAt === 'number' ? session.expiresAt : Date.parse(String(session.expiresAt));
  const renewable = typeof session.idpRefreshToken === 'string' && session.idpRefreshToken !== '';
  if (!(expiresAt > now) && !renewable) return undefined;
  return { url, email: typeof session.email === 'string' ? session.email : undefined, found: `Claude Code is signed in to your organisation's Claude apps gateway at ${url} (${file}).` };
}

/** The gateway Claude Code uses here, from its session, its environment or the managed settings; undefined: none. */
export async function gatewayInUse(options: { env: NodeJS.ProcessEnv; home: string; managed: Managed; now: number }): Promise<Gateway | undefined> {
  const session = await gatewaySession(credentialsFile(options.env, options.home), options.now);
  if (session) return session;
  if (options.env.CLAUDE_CODE_USE_GATEWAY) {
    return { url: options.env.ANTHROPIC_BASE_URL, email: undefined, found: "CLAUDE_CODE_USE_GATEWAY is set in VS Code's environment: Claude Code uses your organisation's gateway." };
  }
  if (options.managed.forceLoginMethod === 'gateway') {
    return { url: options.managed.gatewayUrl, email: undefined, found: `Your organisation's managed settings (${options.managed.files.join(', ')}) make Claude Code sign in through its Claude apps gateway.` };
  }
  return undefined;
}
