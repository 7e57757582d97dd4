// Whether Claude Code on this machine uses the organisation's Claude apps gateway (gateway.ts),
// looked at when VS Code starts and every half minute: while it does, the extension stands
// aside (no sign-in, so no keys minted and nothing written to Claude Code's settings) and the
// status bar says why. Connect also asks it whether managed settings outrank what it would write.
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { Clock, Timer } from '../util/clock';
import { gatewayInUse, type Gateway } from './gateway';
import { findings, managedPlaces, readManaged } from './managed';

const EVERY_MS = 30_000;

export interface GatewayWatchOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  readonly platform: NodeJS.Platform;
  readonly log: Log;
  readonly clock: Clock;
}

export class GatewayWatch implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Gateway | undefined>();
  readonly onDidChange = this.changed.event;
  private current: Gateway | undefined;
  private timer: Timer | undefined;
  private disposed = false;

  constructor(private readonly options: GatewayWatchOptions) {
    void this.look();
  }

  get gateway(): Gateway | undefined {
    return this.current;
  }

  /** Looks now; the gateway Claude Code uses, if any. */
  async look(): Promise<Gateway | undefined> {
    const { env, home, platform, clock, log } = this.options;
    clock.clearTimeout(this.timer);
    const found = await gatewayInUse({ env, home, managed: await readManaged(managedPlaces(platform, env)), now: clock.now() }).catch((error: unknown) => {
      log.error('Looking for a Claude apps gateway failed', error);
      return undefined;
    });
    if (this.disposed) return found;
    if (found?.url !== this.current?.url || (found === undefined) !== (this.current === undefined)) {
      this.current = found;
      log.info(found ? `${found.found} This extension stands aside.` : 'Claude Code does not use a Claude apps gateway here.');
      this.changed.fire(found);
    }
    this.timer = clock.setTimeout(() => void this.look(), EVERY_MS);
    return found;
  }

  /** Why this extension does not sign in here, when Claude Code uses a gateway. */
  async standAside(): Promise<string | undefined> {
    const gateway = await this.look();
    return gateway ? standAsideSentence(gateway) : undefined;
  }

  /**
   * Why Connect would change nothing Claude Code uses, when something outranks Claude Code's user
   * settings: the gateway, managed settings that set the provider, a host that manages it.
   */
  async connectOutranked(): Promise<string | undefined> {
    const standing = await this.standAside();
    if (standing) return standing;
    const { env, platform } = this.options;
    const found = findings(await readManaged(managedPlaces(platform, env)), env).filter((f) => f.id === 'managedEnv' || f.id === 'managedByHost');
    return found.length > 0 ? `${found.map((f) => f.found).join(' ')} So Connect Claude Code changes nothing. ${found[0].fix}` : undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.options.clock.clearTimeout(this.timer);
    this.changed.dispose();
  }
}

export function standAsideSentence(gateway: Gateway): string {
  return `Claude Code on this machine signs in through your organisation's Claude apps gateway${gateway.url ? ` (${gateway.url})` : ''}, which outranks this extension's sign-in, so this extension does not sign in or change Claude Code's settings. If Claude Code asks you to sign in, use /login there.`;
}
