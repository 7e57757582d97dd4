// Windows of VS Code for the unit tests of the session: the extension's real session classes
// and web identity flow, given fakes of VS Code's API (SecretStorage, settings), of the IdP and
// STS clients, of the browser, and one fake clock for the whole machine. Each window has its own
// SecretStorage (as in the web editor) unless it is given another's (as on the desktop).
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionCore } from '../../src/auth/core';
import { FlowCatalog } from '../../src/auth/flows/catalog';
import { OidcSteps } from '../../src/auth/flows/federated';
import { WebIdentityFlow } from '../../src/auth/flows/webIdentity';
import { Keys, quotaUser } from '../../src/auth/keys';
import { Renewal } from '../../src/auth/renewal';
import type { SignInUi } from '../../src/auth/signIn';
import { SignIn } from '../../src/auth/signIn';
import { SessionStore } from '../../src/auth/store';
import { Config } from '../../src/config/config';
import type { Action, Failure, Notify, Severity } from '../../src/errors/failure';
import { IdpClients } from '../../src/idp/clients';
import { QuotaGate } from '../../src/quota/gate';
import { Log } from '../../src/log';
import { WindowBus, type WindowChannel } from '../../src/windows/bus';
import { FakeClock, settle } from './fakes/clock';
import { FakeIdp, FakeQuota, FakeSts } from './fakes/clients';
import { FakeLogChannel, FakeSecretStorage, FakeSettings } from './fakes/editor';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/ClaudeCodeBedrock';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class RecordingNotify implements Notify {
  readonly shown: { severity: Severity; message: string; buttons: string[]; actions: readonly Action[] }[] = [];
  show(severity: Severity, message: string, actions: readonly Action[] = []): void {
    this.shown.push({ severity, message, buttons: actions.map((a) => a.kind), actions });
  }
  failure(failure: Failure): void {
    this.show(failure.quiet ? 'info' : 'error', failure.message, failure.actions);
  }
}

/** Runs a sign-in's progress without showing it; `cancel()` is the user's click on Cancel. */
export class QuietProgress implements SignInUi {
  private readonly controllers = new Set<AbortController>();
  readonly messages: string[] = [];
  progress<T>(_title: string, task: (report: (message: string) => void, cancelled: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.controllers.add(controller);
    return task((m) => this.messages.push(m), controller.signal).finally(() => this.controllers.delete(controller));
  }
  cancel(): void {
    for (const c of this.controllers) c.abort();
  }
}

export interface Machine {
  readonly clock: FakeClock;
  readonly idp: FakeIdp;
  readonly sts: FakeSts;
  readonly quota: FakeQuota;
  readonly settings: FakeSettings;
  /** Where the windows' hub lives. */
  readonly storageDir: string;
}

export async function machine(storageDir: string, settings: Record<string, unknown> = {}): Promise<Machine> {
  const clock = new FakeClock();
  return {
    clock,
    idp: new FakeIdp(clock),
    sts: new FakeSts(clock),
    quota: new FakeQuota(clock),
    storageDir,
    settings: new FakeSettings({
      'claudeBedrock.issuer': 'https://idp.example.com/tenant/',
      'claudeBedrock.clientId': 'claude-code',
      'claudeBedrock.roleArn': ROLE_ARN,
      'claudeBedrock.redirectPort': await freePort(),
      ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [`claudeBedrock.${k}`, v])),
    }),
  };
}

export type Window = Awaited<ReturnType<typeof openWindow>>;

/** A window of VS Code with the session's classes, as main.ts builds them. */
/** `secrets`: another window's SecretStorage (the desktop shares one); `hubDir`: where this window's hub lives (another machine's, say). */
export async function openWindow(m: Machine, options: { secrets?: FakeSecretStorage; hubDir?: string } = {}) {
  const secrets = options.secrets ?? new FakeSecretStorage();
  const logChannel = new FakeLogChannel();
  const log = new Log(logChannel.asChannel());
  const notify = new RecordingNotify();
  const ui = new QuietProgress();
  const browser = m.idp.browser();
  const config = new Config(m.settings);
  const channel: WindowChannel = await WindowBus.open({ storageDir: options.hubDir ?? m.storageDir, reclaimMs: 0 });
  const store = new SessionStore(secrets, channel, log, m.clock);
  const oidc = new OidcSteps({ idp: new IdpClients(() => m.idp.module(), log), browser, renderPage: () => (page) => `${page.title}: ${page.message}`, log, clock: m.clock });
  const flows = new FlowCatalog([new WebIdentityFlow({ settings: () => config.signIn(), chosen: () => true, oidc, sts: () => m.sts.module(), log, clock: m.clock })]);
  const quota = new QuotaGate({
    settings: () => config.quota(),
    fetchQuota: m.quota.fetch,
    fetchQuotaSigned: async () => Promise.reject(new Error('no signed quota checks on this machine')),
    user: () => quotaUser(store, flows, m.clock.now()),
    onDidChangeUser: [store.onDidChange, config.onDidChangeArea('signIn')],
    onDidChangeSettings: config.onDidChangeArea('quota'),
    channel,
    notify,
    log,
    clock: m.clock,
  });
  const core = new SessionCore({
    store,
    flows,
    clock: m.clock,
    onDidChangeSettings: (listener) => config.onDidChange(() => listener(undefined)),
    quota,
  });
  const renewal = new Renewal({ store, sessions: core, flows, admission: quota, channel, clock: m.clock, log, notify, random: () => 1 });
  const keys = new Keys({ store, sessions: core, renewal, quota, clock: m.clock, log });
  const signIn = new SignIn({ store, sessions: core, flows, renewal, admission: quota, channel, ui, notify, log, clock: m.clock });
  const states: string[] = [];
  core.onDidChangeState((s) => states.push(s.kind));
  await store.load();
  return {
    secrets,
    log,
    logLines: logChannel.lines,
    notify,
    ui,
    browser,
    config,
    channel,
    store,
    core,
    renewal,
    keys,
    quota,
    signIn,
    states,
    async close() {
      quota.dispose();
      signIn.dispose();
      renewal.dispose();
      store.dispose();
      core.dispose();
      config.dispose();
      await channel.dispose();
      await settle();
    },
  };
}

/**
 * A machine of its own for each test of the suite this is called in (a storage folder, the
 * fakes, one clock), and windows on it that are closed after the test, with `cleanup` before.
 */
export function useMachine(settings: Record<string, unknown> = {}) {
  let dir = '';
  let current: Machine | undefined;
  const windows: Window[] = [];
  const cleanups: (() => unknown)[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'session-test-'));
    current = await machine(dir, settings);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    for (const w of windows.splice(0)) await w.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get m(): Machine {
      if (!current) throw new Error('The machine is there once a test runs.');
      return current;
    },
    async window(options: Parameters<typeof openWindow>[1] = {}): Promise<Window> {
      const w = await openWindow(this.m, options);
      windows.push(w);
      return w;
    },
    /** Runs after the test, before the windows close (a service built on them, say). */
    cleanup(fn: () => unknown): void {
      cleanups.push(fn);
    },
  };
}
