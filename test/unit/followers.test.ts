// What main.ts no longer does by hand: the account item and the `when` keys follow their sources
// themselves, from the moment they are built.
import * as assert from 'node:assert/strict';
import { EventEmitter, type StatusBarItem } from 'vscode';
import type { AuthState } from '../../src/auth/core';
import type { Session } from '../../src/auth/session';
import type { ModelCheck, ModelReport } from '../../src/models/check';
import { StatusBar } from '../../src/ui/statusBar';
import { WhenKeys, type WhenKey } from '../../src/ui/whenKeys';

const session = {
  identity: { subject: 's', email: 'alice@example.com', name: 'Alice', department: undefined, groups: [] },
  credentials: { expiration: new Date(Date.now() + 3600_000).toISOString() },
  assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/R/alice@example.com',
  roleArn: 'arn:aws:iam::123456789012:role/R',
} as unknown as Session;

/** A sign-in whose state the test sets. */
class Sessions {
  private readonly changed = new EventEmitter<AuthState>();
  readonly onDidChangeState = this.changed.event;
  state: AuthState = { kind: 'signedOut' };

  get session(): Session | undefined {
    return this.state.kind === 'signedIn' ? this.state.session : undefined;
  }

  set(state: AuthState): void {
    this.state = state;
    this.changed.fire(state);
  }
}

class Models {
  private readonly changed = new EventEmitter<ModelReport | undefined>();
  readonly onDidChange = this.changed.event;
  problems: readonly ModelCheck[] = [];

  report(report: ModelReport | undefined): void {
    this.problems = report?.checks.filter((c) => !c.usable) ?? [];
    this.changed.fire(report);
  }
}

type FakeItem = StatusBarItem & { shown: boolean; disposed: boolean };

function item(): FakeItem {
  const fake = {
    text: '',
    shown: false,
    disposed: false,
    show(this: FakeItem) {
      this.shown = true;
    },
    dispose(this: FakeItem) {
      this.disposed = true;
    },
  };
  return fake as unknown as FakeItem;
}

describe('objects that follow their sources', () => {
  it('the account item shows the state it was built in, follows every change, and lets go when disposed', () => {
    const sessions = new Sessions();
    const shown = item();
    const bar = new StatusBar(shown, { sessions, models: new Models() });
    assert.ok(shown.shown);
    assert.match(shown.text, /Sign In/);
    sessions.set({ kind: 'signingIn' });
    assert.equal(shown.command, 'claudeBedrock.cancelSignIn');
    sessions.set({ kind: 'signedIn', session });
    assert.match(shown.text, /alice@example\.com/);
    bar.dispose();
    assert.ok(shown.disposed);
    sessions.set({ kind: 'signedOut' });
    assert.match(shown.text, /alice@example\.com/, 'a disposed item follows nothing');
  });

  it('the account item says so when a model stops working, and stops saying it when it works again', () => {
    const sessions = new Sessions();
    sessions.set({ kind: 'signedIn', session });
    const models = new Models();
    const shown = item();
    new StatusBar(shown, { sessions, models });
    const before = shown.text;
    const check = { usable: false, role: 'main', modelId: 'us.anthropic.claude-opus-4-8' } as unknown as ModelCheck;
    models.report({ checks: [check] } as unknown as ModelReport);
    assert.notEqual(shown.text, before);
    models.report({ checks: [{ ...check, usable: true }] } as unknown as ModelReport);
    assert.equal(shown.text, before);
  });

  it('the when keys are set from each source, and only by their owner', () => {
    const sessions = new Sessions();
    const models = new Models();
    const terminal = new EventEmitter<unknown>();
    const dashboard = new EventEmitter<unknown>();
    const claudeCode = new EventEmitter<boolean>();
    const keys = new Map<WhenKey, boolean>();
    const when = new WhenKeys({ sessions, models, onDidOpenTerminal: terminal.event, dashboard: { onDidShow: dashboard.event }, claudeCode: { onDidChange: claudeCode.event }, set: (key, value) => keys.set(key, value) });
    terminal.fire(undefined);
    assert.equal(keys.get('terminalUsed'), undefined, 'a terminal opened while signed out completes no step');
    sessions.set({ kind: 'signingIn' });
    assert.deepEqual([keys.get('signingIn'), keys.get('signedIn')], [true, false]);
    sessions.set({ kind: 'signedIn', session });
    assert.deepEqual([keys.get('signingIn'), keys.get('signedIn')], [false, true]);
    terminal.fire(undefined);
    assert.equal(keys.get('terminalUsed'), true);
    models.report({ checks: [{ usable: true }, { usable: false }] } as unknown as ModelReport);
    assert.equal(keys.get('modelsReady'), false);
    models.report({ checks: [{ usable: true }] } as unknown as ModelReport);
    assert.equal(keys.get('modelsReady'), true);
    dashboard.fire(undefined);
    claudeCode.fire(true);
    assert.deepEqual([keys.get('usageSeen'), keys.get('claudeCodeConnected')], [true, true]);
    when.dispose();
    claudeCode.fire(false);
    assert.equal(keys.get('claudeCodeConnected'), true, 'disposed, it sets nothing');
  });
});
