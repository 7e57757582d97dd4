// Security, the settings files surface: Claude Code's ~/.claude/settings.json, which Connect,
// its follow-ups and Disconnect edit. What was tried, each against the real connection (windows
// of the real session classes, the file in a temporary home): a user's own settings written
// after Connect, a model change that rewrites the extension's keys, a typo, a dangling link, a
// folder where the file should be, a file Claude Code cannot read (comments, trailing commas),
// an undo record from the previous version. And a property test: random sequences of Connect,
// user edits, Claude Code's own rewrites, follow-ups (the launcher moving too), typos and
// Disconnect, with the status line chosen or not.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ClaudeCodeConnection, type PanelSettings } from '../../../src/claudeCode/connection';
import { ClaudeCodeIntegration, type ConsentUi } from '../../../src/claudeCode/integration';
import { setValues, valueAt } from '../../../src/claudeCode/jsonEdit';
import { applyPlan, planSettings, STATUS_LINE, statusLineSetting, undoSettings, type Desired, type UndoRecord } from '../../../src/claudeCode/plan';
import { claudeCodeChecks } from '../../../src/diagnose/claudeCodeChecks';
import type { DiagnoseContext } from '../../../src/diagnose/context';
import type { Action, Failure, Notify, Severity } from '../../../src/errors/failure';
import { renderConsent } from '../../../src/ui/consentHtml';
import { EventEmitter } from '../fakes/vscode';
import { useMachine } from '../sessionWorld';

/** A value as plain JSON (jsonc-parser's objects have no prototype). */
const json = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
/** The same JSON value, whatever the order of its keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, w]) => [k, sorted(w)])) : v);
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/** Claude Code's settings as a developer keeps them before Connect (plain JSON: Claude Code reads it). */
const USERS_OWN = `{
    "model": "opus",
    "env": {
        "MY_TOOL_TOKEN": "my-own-value",
        "ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-1-20250805-v1:0",
        "AWS_PROFILE": "mine"
    }
}
`;

/** The same, as many keep it: with comments and a trailing comma (Claude Code ignores all of it). */
const WITH_COMMENTS = `// My Claude Code settings
{
    "model": "opus", // what I like
    "env": {
        "MY_TOOL_TOKEN": "my-own-value",
    },
}
`;

/** Claude Code's own write (measured with the CLI 2.1.330): the whole file again, 2-space indent, its key order. */
function claudeCodeWrites(text: string, change: (settings: Record<string, unknown>) => void): string {
  const settings = JSON.parse(text) as Record<string, unknown>;
  change(settings);
  const first = ['apiKeyHelper', 'awsCredentialExport', 'awsAuthRefresh', 'env', 'permissions', 'model', 'hooks'];
  const ordered = Object.fromEntries([...first.filter((k) => k in settings), ...Object.keys(settings).filter((k) => !first.includes(k))].map((k) => [k, settings[k]]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

class Notifications implements Notify {
  readonly shown: { severity: Severity; message: string; buttons: string[]; actions: readonly Action[] }[] = [];
  show(severity: Severity, message: string, actions: readonly Action[] = []): void {
    this.shown.push({ severity, message, buttons: actions.map((a) => ('label' in a && a.label ? a.label : a.kind)), actions });
  }
  failure(failure: Failure): void {
    this.show('error', failure.message, failure.actions);
  }
  get last() {
    return this.shown.at(-1);
  }
}

class Consent implements ConsentUi {
  asked = 0;
  answer = { connect: true, fixes: [] as string[] };
  async ask() {
    this.asked++;
    return this.answer;
  }
}

class Memento {
  private readonly values = new Map<string, unknown>();
  keys = () => [...this.values.keys()];
  get = <T>(key: string, fallback?: T) => (this.values.has(key) ? (this.values.get(key) as T) : fallback);
  update = async (key: string, value: unknown) => void this.values.set(key, value);
}

const panel: PanelSettings = { installed: () => false, get: () => undefined, set: async () => undefined };

describe("Security: Claude Code's settings file", () => {
  const world = useMachine({ region: 'us-east-1' });

  async function setUp() {
    const win = await world.window();
    const home = path.join(world.m.storageDir, 'home');
    const files = { settings: path.join(home, '.claude', 'settings.json'), awsConfig: path.join(home, '.aws', 'config') };
    mkdirSync(path.dirname(files.settings), { recursive: true });
    const connection = new ClaudeCodeConnection({
      secrets: win.secrets,
      files,
      launcher: async () => ({ script: '/x/claude-code-helper', command: (sub) => `'/x/claude-code-helper' ${sub}` }),
      config: win.config,
      panel,
      channel: win.channel,
      log: win.log,
    });
    const consent = new Consent();
    const notify = new Notifications();
    const integration = new ClaudeCodeIntegration({
      connection,
      sessions: win.core,
      config: win.config,
      consent,
      memento: new Memento() as unknown as vscode.Memento,
      onDidOpenTerminal: new EventEmitter<unknown>().event,
      notify,
      log: win.log,
    });
    world.cleanup(() => {
      integration.dispose();
      connection.dispose();
    });
    const file = () => (existsSync(files.settings) ? readFileSync(files.settings, 'utf8') : undefined);
    const write = (text: string) => writeFileSync(files.settings, text);
    const settingsRow = async () => {
      const ctx = { claudeCode: { settingsFile: files.settings, connected: () => connection.connected, panelInstalled: () => false, panelSetting: () => undefined } } as unknown as DiagnoseContext;
      const checks = claudeCodeChecks(ctx);
      return { settings: await checks.find((c) => c.id === 'claude.settings')!.run(new AbortController().signal), panel: await checks.find((c) => c.id === 'claude.panel')!.run(new AbortController().signal) };
    };
    return { win, connection, integration, consent, notify, files, file, write, settingsRow };
  }

  it("keeps the permissions and hooks the user and Claude Code wrote after Connect, through a model change, and takes out only the extension's keys", async () => {
    const { integration, notify, file, write } = await setUp();
    write(USERS_OWN);
    assert.equal((await integration.connectWithConsent())?.ok, true);
    // The user adds permissions by hand; Claude Code's /permissions rewrites the file with hooks.
    write(file()!.replace('"model": "opus",', '"model": "opus",\n    "permissions": { "allow": ["Bash(npm test:*)"] },'));
    write(claudeCodeWrites(file()!, (s) => (s.hooks = { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'audit' }] }] })));
    // The model changes in VS Code: Claude Code's settings follow.
    world.m.settings.set('claudeBedrock.model', HAIKU);
    await integration.reconcile(true);
    assert.equal(valueAt(file()!, ['env', 'ANTHROPIC_MODEL']), HAIKU, 'the settings followed');

    assert.equal((await integration.disconnect())?.ok, true);
    const after = file()!;
    assert.deepEqual(json(valueAt(after, ['permissions'])), { allow: ['Bash(npm test:*)'] }, "the user's permissions stay");
    assert.equal((valueAt(after, ['hooks']) as { PreToolUse: unknown[] }).PreToolUse.length, 1, "Claude Code's hooks stay");
    assert.equal(valueAt(after, ['env', 'ANTHROPIC_MODEL']), 'eu.anthropic.claude-opus-4-1-20250805-v1:0', 'the model Connect replaced is back');
    assert.equal(valueAt(after, ['env', 'MY_TOOL_TOKEN']), 'my-own-value');
    assert.equal(valueAt(after, ['awsCredentialExport']), undefined);
    assert.equal(valueAt(after, ['env', 'CLAUDE_CODE_USE_BEDROCK']), undefined);
    assert.doesNotMatch(notify.last!.message, /back as they were/, 'no claim that the file is as it was');
    assert.match(notify.last!.message, /everything else in the file stays as it is/);
  });

  it("says what it keeps when the user changed one of the extension's keys since, and leaves it as they set it", async () => {
    const { integration, notify, file, write } = await setUp();
    write(USERS_OWN);
    await integration.connectWithConsent();
    write(file()!.replace('"AWS_REGION": "us-east-1"', '"AWS_REGION": "eu-central-1"'));
    const outcome = await integration.disconnect();
    assert.deepEqual(outcome?.ok && outcome.kept, [['env', 'AWS_REGION']]);
    assert.equal(valueAt(file()!, ['env', 'AWS_REGION']), 'eu-central-1');
    assert.match(notify.last!.message, /You changed env\.AWS_REGION since: it stays as you left it\./);
  });

  it('stops Disconnect at a typo with the line in words and an Open File button, keeps what to put back, and puts it back once the file is fixed', async () => {
    const { connection, integration, consent, notify, files, file, write } = await setUp();
    write(USERS_OWN);
    consent.answer = { connect: true, fixes: ['profile'] };
    await integration.connectWithConsent();
    const connected = file()!;
    assert.equal(valueAt(connected, ['env', 'AWS_PROFILE']), undefined, 'the conflicting profile was taken out');
    const typo = connected.replace('"model": "opus",', '"model": "opus"');
    write(typo);

    const refused = await integration.disconnect();
    assert.equal(refused?.ok, false);
    assert.equal(file(), typo, 'nothing written');
    assert.equal(notify.last!.severity, 'error');
    assert.match(notify.last!.message, new RegExp(`${files.settings.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was left as it is, because it is not valid JSON: a comma is missing at the end of line 2\\.`));
    assert.doesNotMatch(notify.last!.message, /CommaExpected|InvalidSymbol|back as they were/);
    assert.deepEqual(notify.last!.buttons, ['Open File']);
    const open = notify.last!.actions[0] as Extract<Action, { kind: 'run' }>;
    assert.equal(open.command, 'vscode.open');
    assert.equal((open.args?.[0] as { fsPath: string }).fsPath, files.settings);
    assert.equal(await connection.refresh(), true, 'Disconnect stays on offer');
    world.m.settings.set('claudeBedrock.model', HAIKU);
    await integration.reconcile(true);
    assert.equal(file(), typo, 'a follow-up writes nothing either');
    assert.equal(notify.last!.severity, 'warning');
    assert.match(notify.last!.message, /could not follow the change: .* because it is not valid JSON: a comma is missing at the end of line 2\./);
    assert.deepEqual(notify.last!.buttons, ['Open File']);
    world.m.settings.set('claudeBedrock.model', undefined);
    await integration.reconcile(true);

    write(connected);
    assert.equal((await integration.disconnect())?.ok, true);
    assert.equal(valueAt(file()!, ['env', 'AWS_PROFILE']), 'mine', "the user's profile is back");
    assert.equal(file(), USERS_OWN);
  });

  it('says where a dangling link points instead of closing with no word, and writes nothing', async () => {
    const { integration, consent, notify, files } = await setUp();
    const nowhere = path.join(world.m.storageDir, 'dotfiles', 'claude', 'settings.json');
    symlinkSync(nowhere, files.settings);
    assert.equal(await integration.connectWithConsent(), undefined);
    assert.equal(consent.asked, 0, 'no consent view for a file that cannot be written');
    assert.equal(notify.last!.severity, 'error');
    assert.ok(notify.last!.message.includes(`it is a link to ${nowhere}, which does not exist`), notify.last!.message);
    assert.equal(existsSync(nowhere), false);
  });

  it('says that a folder where the settings file should be cannot be read, at Connect and at Disconnect', async () => {
    const { integration, consent, notify, files, write } = await setUp();
    write(USERS_OWN);
    await integration.connectWithConsent();
    const kept = readFileSync(files.settings, 'utf8');
    rmSync(files.settings);
    mkdirSync(files.settings);
    assert.equal((await integration.disconnect())?.ok, false);
    assert.match(notify.last!.message, /because it is a folder, not a file\. Fix the file, then run Disconnect Claude Code again/);
    rmSync(files.settings, { recursive: true });
    write(kept);
    assert.equal((await integration.disconnect())?.ok, true, 'the record was kept');
    assert.equal(readFileSync(files.settings, 'utf8'), USERS_OWN);
    rmSync(files.settings);
    mkdirSync(files.settings);
    assert.equal(await integration.connectWithConsent(), undefined);
    assert.equal(consent.asked, 1, 'only the first Connect asked');
    assert.match(notify.last!.message, /settings\.json was left alone: it is a folder, not a file\./);
  });

  it('says Claude Code cannot read a file with comments, takes them out only on consent, and Diagnose names the line', async () => {
    const { integration, consent, notify, file, write, settingsRow } = await setUp();
    write(WITH_COMMENTS);
    const before = await settingsRow();
    assert.equal(before.settings.status, 'fail');
    assert.match(before.settings.found, /Claude Code cannot read .*settings\.json: line 1 has a comment \(and 3 more such places\)/);

    consent.answer = { connect: false, fixes: [] };
    await integration.connectWithConsent();
    assert.equal(file(), WITH_COMMENTS, 'Cancel writes nothing');
    consent.answer = { connect: true, fixes: [] };
    await integration.connectWithConsent();
    const connected = file()!;
    assert.doesNotThrow(() => JSON.parse(connected), 'plain JSON, as Claude Code reads it');
    assert.equal(valueAt(connected, ['model']), 'opus');
    const after = await settingsRow();
    assert.equal(after.settings.status, 'pass', after.settings.found);
    assert.equal(after.panel.status, 'pass', after.panel.found);

    // Nothing changed since: Disconnect gives the file back as it was, comments and all.
    assert.equal((await integration.disconnect())?.ok, true);
    assert.equal(file(), WITH_COMMENTS);
    assert.match(notify.last!.message, /The comments and commas Connect took out are back too/);
  });

  it("leaves the comments out at Disconnect when a setting changed since (they would hide it from Claude Code), and says so", async () => {
    const { integration, notify, file, write } = await setUp();
    write(WITH_COMMENTS);
    await integration.connectWithConsent();
    write(claudeCodeWrites(file()!, (s) => (s.permissions = { allow: ['Read'] })));
    assert.equal((await integration.disconnect())?.ok, true);
    assert.doesNotThrow(() => JSON.parse(file()!), 'Claude Code can still read it');
    assert.deepEqual(json(valueAt(file()!, ['permissions'])), { allow: ['Read'] });
    assert.match(notify.last!.message, /stay out: settings in the file changed since/);
  });

  it('"always" connects without taking comments out (nobody agreed to that) and says Claude Code cannot read the file', async () => {
    const { connection, integration, notify, file, write, settingsRow } = await setUp();
    write(WITH_COMMENTS);
    world.m.settings.set('claudeBedrock.claudeCodeIntegration', 'always');
    await integration.reconcile();
    assert.equal(connection.connected, true);
    assert.match(file()!, /\/\/ what I like/, 'the comments stay');
    assert.equal(notify.last!.severity, 'warning');
    assert.match(notify.last!.message, /Claude Code cannot read the file: line 1 has a comment/);
    assert.deepEqual(notify.last!.buttons, ['Connect Claude Code…', 'Open File']);
    const row = await settingsRow();
    assert.equal(row.panel.status, 'fail', 'Diagnose does not say Connected and Pass');
    assert.match(row.panel.found, /Connected, but Claude Code cannot read/);
  });

  it('disconnects a record of the previous version (the whole file kept) key by key, keeping what was written since', async () => {
    const { win, integration, file, write } = await setUp();
    write(USERS_OWN);
    await integration.connectWithConsent();
    const stored = JSON.parse((await win.secrets.get('claudeBedrock.claudeCodeConnection'))!) as { settings: Record<string, unknown> };
    const { startedEmpty: _s, madeReadable: _m, ...rest } = stored.settings;
    await win.secrets.store('claudeBedrock.claudeCodeConnection', JSON.stringify({ ...stored, settings: { ...rest, version: 1, originalText: USERS_OWN, writtenHash: 'f'.repeat(64) } }));
    write(claudeCodeWrites(file()!, (s) => (s.permissions = { allow: ['Read'] })));
    assert.equal((await integration.disconnect())?.ok, true);
    assert.deepEqual(json(valueAt(file()!, ['permissions'])), { allow: ['Read'] });
    assert.equal(valueAt(file()!, ['env', 'ANTHROPIC_MODEL']), 'eu.anthropic.claude-opus-4-1-20250805-v1:0');
    assert.equal(valueAt(file()!, ['awsCredentialExport']), undefined);
  });

  it('shows, before anything is written, where a linked settings file really is and each comment and comma it takes out, as text', async () => {
    const { connection, files } = await setUp();
    const real = path.join(world.m.storageDir, 'dotfiles', 'settings.json');
    mkdirSync(path.dirname(real), { recursive: true });
    writeFileSync(real, '{\n  // <img src=x onerror=alert(1)> [run](command:workbench.action.terminal.sendSequence)\n  "model": "opus",\n}\n');
    symlinkSync(real, files.settings);
    const html = renderConsent(await connection.plan(), { cspSource: 'vscode-resource:', nonce: 'n', scriptUri: 's.js', styleUri: 's.css', fileLabel: '~/.claude/settings.json' });
    assert.ok(html.includes(`~/.claude/settings.json is a link to <code>${real}</code>: the changes are written there, and the link stays.`), 'the link and its target');
    assert.match(html, /<h2>Claude Code cannot read this file<\/h2>/);
    assert.match(html, /<li>Line 2: the comment <code>\/\/ &lt;img src=x onerror=alert\(1\)&gt; \[run\]\(command:workbench\.action\.terminal\.sendSequence\)<\/code><\/li>/);
    assert.match(html, /<li>Line 3: the comma after the last entry\.<\/li>/);
    assert.doesNotMatch(html, /<img/);
  });

  it('removes a file Connect created only when nothing but what it wrote is left in it', async () => {
    const { integration, file, write, files } = await setUp();
    await integration.connectWithConsent();
    assert.equal((await integration.disconnect())?.ok, true);
    assert.equal(existsSync(files.settings), false, 'nothing else in it: removed');
    await integration.connectWithConsent();
    write(file()!.replace('{', '{\n  // mine now'));
    assert.equal((await integration.disconnect())?.ok, true);
    assert.equal(file()!.replace(/\s/g, ''), '{//minenow}', 'a comment of the user: the file stays');
  });
});

// The property: whatever happens between Connect and Disconnect, Disconnect takes out exactly
// what the extension wrote. The rule it is checked against: a key that holds exactly what the
// extension last wrote there is the extension's, and gets back the value that write replaced (the
// last value there that was not the extension's); every other key is the user's (or Claude
// Code's), and stays as it is. Comments are never taken out by Disconnect; those Connect took out
// come back exactly when the file's settings are as Connect found them.
describe("Security: Claude Code's settings file, random sequences of edits", () => {
  const SEQUENCES = 60;
  const STEPS = 24;
  const HELPER = "'/x/claude-code-helper'";
  /** Where the launcher is after VS Code moved it: the helpers' commands follow. */
  const MOVED = "'/x/moved/claude-code-helper'";
  const TRACKED: string[][] = [
    ['model'], ['permissions'], ['hooks'], ['cleanupPeriodDays'], ['apiKeyHelper'],
    ['awsCredentialExport'], ['awsAuthRefresh'], ['otelHeadersHelper'], ['statusLine'],
    ['env', 'MY_TOOL_TOKEN'], ['env', 'EDITOR'], ['env', 'AWS_PROFILE'], ['env', 'AWS_ACCESS_KEY_ID'],
    ['env', 'CLAUDE_CODE_USE_BEDROCK'], ['env', 'AWS_REGION'], ['env', 'ANTHROPIC_MODEL'], ['env', 'ANTHROPIC_DEFAULT_HAIKU_MODEL'],
  ];
  const MODELS = ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', HAIKU, 'us.anthropic.claude-opus-4-1-20250805-v1:0'];
  const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

  /** mulberry32: a small seeded PRNG, so that a failing sequence can be run again from its seed. */
  function prng(seed: number) {
    let a = seed >>> 0;
    const next = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)], chance: (p: number) => next() < p };
  }

  const key = (p: readonly string[]) => p.join('.');
  const values = (text: string | undefined) => new Map(TRACKED.map((p) => [key(p), json(text === undefined ? undefined : valueAt(text, p))]));
  const strict = (text: string | undefined) => {
    if (text === undefined || text.trim() === '') return true;
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };

  function run(seed: number, api: Api): void {
    const r = prng(seed);
    let notes = 0;
    const note = () => `note-${seed}-${notes++}`;
    const fresh = (() => {
      let n = 0;
      return () => `u${seed}-${n++}`;
    })();
    // The file as the sequence starts.
    let text: string | undefined;
    const start = r.int(10);
    if (start >= 2) {
      const settings: Record<string, unknown> = {};
      if (r.chance(0.6)) settings.model = fresh();
      if (r.chance(0.4)) settings.permissions = { allow: [`Bash(${fresh()})`] };
      const env: Record<string, unknown> = {};
      if (r.chance(0.5)) env.MY_TOOL_TOKEN = fresh();
      if (r.chance(0.4)) env.AWS_PROFILE = fresh();
      if (r.chance(0.3)) env.AWS_ACCESS_KEY_ID = fresh();
      if (r.chance(0.4)) env.ANTHROPIC_MODEL = fresh();
      if (r.chance(0.3)) env.AWS_REGION = r.pick(REGIONS);
      if (r.chance(0.7)) settings.env = env;
      text = JSON.stringify(settings, null, r.pick([2, 4])) + '\n';
      if (start >= 7) {
        // As many write it: comments, a trailing comma.
        text = `// ${note()}\n${text}`;
        if (/,\n/.test(text)) text = text.replace(/,\n/, `, // ${note()}\n`);
        text = text.replace(/"\n(\s*)\}\n$/, `",\n$1}\n`);
        if (r.chance(0.5)) text = text.replace(/\n(\s*)"env"/, `\n$1/* ${note()}\n$1   more */\n$1"env"`);
      }
      if (r.chance(0.2)) text = text.replace(/\n/g, '\r\n');
    } else if (start === 1) text = '';
    const say: string[] = [`start: ${JSON.stringify(text)}`];
    let desired: Desired = {
      env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: r.pick(REGIONS), ANTHROPIC_MODEL: r.pick(MODELS), ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU },
      helpers: { awsCredentialExport: `${HELPER} export`, awsAuthRefresh: `${HELPER} refresh`, otelHeadersHelper: r.chance(0.3) ? `${HELPER} otel-headers` : undefined },
      statusLine: `${HELPER} statusline`,
    };
    let record: UndoRecord | undefined;
    let typo: string | undefined;
    const ours = new Map<string, unknown>();
    const replaced = new Map<string, unknown>();
    let removedAtConnect: string[] = [];
    let othersWroteSince = false;

    const ourWrite = (next: string) => {
      const before = values(text);
      const after = values(next);
      for (const [k, v] of after) {
        if (sameJson(before.get(k), v)) continue;
        if (!(ours.has(k) && sameJson(before.get(k), ours.get(k)))) replaced.set(k, before.get(k));
        ours.set(k, v);
      }
      text = next;
    };
    const theirWrite = (next: string) => {
      const before = values(text);
      const after = values(next);
      if ([...after].some(([k, v]) => !sameJson(before.get(k), v)) || valueAt(text ?? '', ['env']) === undefined !== (valueAt(next, ['env']) === undefined)) othersWroteSince = true;
      text = next;
    };
    /** The status line holds what the extension last wrote there. */
    const lineIsOurs = () => ours.has(STATUS_LINE) && ours.get(STATUS_LINE) !== undefined && sameJson(values(text).get(STATUS_LINE), ours.get(STATUS_LINE));
    const expected = () => new Map([...values(text)].map(([k, v]) => [k, ours.has(k) && sameJson(v, ours.get(k)) ? replaced.get(k) : v]));
    const tokens = (t: string | undefined): string[] => [...((t ?? "").match(/note-\d+-\d+/g) ?? [])];

    try {
      steps();
    } catch (error) {
      throw Object.assign(error as Error, { steps: say });
    }
    function steps() {
    for (let step = 0; step < STEPS; step++) {
      const op = r.pick(['connect', 'connect', 'edit', 'edit', 'edit', 'comment', 'claudeCode', 'claudeCode', 'follow', 'follow', 'typo', 'fix', 'fix', 'disconnect', 'disconnect']);
      say.push(`${step}: ${op}`);
      if (op === 'connect') {
        const plan = api.planSettings({ file: '/f', text, desired, record });
        if (typo !== undefined) {
          assert.ok(plan.problem, 'a typo stops Connect');
          continue;
        }
        assert.equal(plan.problem, undefined, plan.problem);
        const lineChosen = r.chance(0.7);
        const fixes = [...plan.conflicts.filter(() => r.chance(0.7)).map((c) => c.id), ...(lineChosen ? [STATUS_LINE] : [])];
        say.push(`   status line ${lineChosen ? 'ticked' : 'unticked'}`);
        const makeReadable = r.chance(0.85);
        const found = text;
        const lineBefore = values(text).get(STATUS_LINE);
        const next = api.applyPlan(text, plan, fixes, record, { makeReadable });
        const lineAfter = values(next.text).get(STATUS_LINE);
        if (lineBefore === undefined) assert.ok(sameJson(lineAfter, lineChosen ? statusLineSetting(desired.statusLine!) : undefined), 'the status line is written where there was none, and only when ticked');
        else if (!lineIsOurs()) assert.ok(sameJson(lineAfter, lineBefore), "the user's own status line is never touched");
        if (makeReadable && plan.unreadable) {
          assert.ok(strict(next.text), 'Claude Code can read what Connect leaves');
          removedAtConnect = [...(record ? removedAtConnect : []), ...tokens(found)];
          othersWroteSince = false;
        } else if (!record) removedAtConnect = [];
        record = next.record;
        ourWrite(next.text);
      } else if (op === 'follow') {
        if (!record) continue;
        const launcher = r.chance(0.3) ? r.pick([HELPER, MOVED]) : desired.helpers.awsCredentialExport!.replace(/ export$/, '');
        desired = {
          env: { ...desired.env, ANTHROPIC_MODEL: r.pick(MODELS), AWS_REGION: r.pick(REGIONS) },
          helpers: { awsCredentialExport: `${launcher} export`, awsAuthRefresh: `${launcher} refresh`, otelHeadersHelper: r.chance(0.5) ? `${launcher} otel-headers` : undefined },
          statusLine: `${launcher} statusline`,
        };
        const plan = api.planSettings({ file: '/f', text, desired, record });
        if (typo !== undefined) {
          assert.ok(plan.problem, 'a typo stops the follow-up');
          continue;
        }
        const lineBefore = values(text).get(STATUS_LINE);
        const lineOurs = lineIsOurs();
        const next = api.applyPlan(text, plan, [], record);
        const lineAfter = values(next.text).get(STATUS_LINE);
        assert.ok(sameJson(lineAfter, lineOurs ? statusLineSetting(desired.statusLine!) : lineBefore), lineOurs ? 'a follow-up rewrites the status line it wrote' : 'a follow-up never writes or asks for a status line that is not its own');
        record = next.record;
        ourWrite(next.text);
      } else if (op === 'edit' && typo === undefined) {
        const base = text ?? '';
        const path = r.pick(TRACKED);
        const roll = r.int(10);
        const value = path[0] === 'permissions' || path[0] === 'hooks' ? { allow: [fresh()] } : path[0] === 'cleanupPeriodDays' ? r.int(100) : fresh();
        const next = roll < 6 ? setValues(base, [{ path, value }]) : roll < 9 ? setValues(base, [{ path, value: undefined }]) : setValues(base, [{ path: ['env'], value: undefined }]);
        say.push(`   ${roll < 6 ? `set ${key(path)}` : roll < 9 ? `remove ${key(path)}` : 'remove env'}`);
        theirWrite(next);
      } else if (op === 'comment' && typo === undefined && text !== undefined && text.includes('{')) {
        const c = `// ${note()}`;
        const where = r.int(3);
        theirWrite(where === 0 ? `${c}\n${text}` : where === 1 || !/,\r?\n/.test(text) ? text.replace('{', `{\n  ${c}\n`) : text.replace(/,(\r?\n)/, `, ${c}$1`));
      } else if (op === 'claudeCode' && typo === undefined && strict(text)) {
        // Claude Code refuses to write a file it cannot read; else it rewrites all of it.
        const path = r.pick([['permissions'], ['hooks'], ['model'], ['env', 'ANTHROPIC_MODEL'], ['cleanupPeriodDays']]);
        const next = claudeCodeWrites(text === undefined || text.trim() === '' ? '{}' : text, (s) => {
          if (path.length === 1) s[path[0]] = path[0] === 'cleanupPeriodDays' ? r.int(100) : path[0] === 'model' ? fresh() : { allow: [fresh()] };
          else s.env = { ...((s.env as object) ?? {}), [path[1]]: fresh() };
        });
        theirWrite(next);
      } else if (op === 'typo' && typo === undefined && text !== undefined && text.includes('{')) {
        typo = text;
        text = r.chance(0.5) ? text.replace('{', '{ oops') : text.slice(0, text.lastIndexOf('}'));
      } else if (op === 'fix' && typo !== undefined) {
        text = typo;
        typo = undefined;
      } else if (op === 'disconnect') {
        if (!record) continue;
        const undone = api.undoSettings(text, record);
        if (typo !== undefined) {
          assert.equal(undone.ok, false, 'a typo stops Disconnect (and the record is kept)');
          continue;
        }
        assert.notEqual(undone.ok, false, 'undone');
        if (undone.ok === false) return;
        const want = expected();
        const before = text;
        const next = undone.text === undefined ? text : undone.text === null ? undefined : undone.text;
        const got = values(next);
        for (const [k, v] of want) assert.ok(sameJson(got.get(k), v), `${k}: ${JSON.stringify(got.get(k))}, where ${JSON.stringify(v)} was expected`);
        assert.ok(!(next ?? '').includes(HELPER) && !(next ?? '').includes(MOVED), "none of the extension's helpers is left");
        for (const t of tokens(before)) assert.ok(tokens(next).includes(t), `the comment ${t} stays`);
        if (record.madeReadable) {
          if (!othersWroteSince) assert.equal(undone.readable, 'putBack', 'nothing but the extension wrote since: the comments come back');
          if (undone.readable === 'putBack') for (const t of removedAtConnect) assert.ok(tokens(next).includes(t), `the comment ${t} taken out at Connect is back`);
          else for (const t of removedAtConnect) assert.ok(!tokens(next).includes(t) || tokens(before).includes(t));
        }
        if (undone.text === null) assert.ok([...got.values()].every((v) => v === undefined), 'a file is removed only when nothing is left in it');
        text = next;
        record = undefined;
        ours.clear();
        replaced.clear();
        removedAtConnect = [];
      }
      say.push(`   ${JSON.stringify(text)}`);
    }
    }
  }

  interface Api {
    planSettings: typeof planSettings;
    applyPlan: typeof applyPlan;
    undoSettings: typeof undoSettings;
  }

  it(`keeps the user's keys and comments, takes out the extension's, and puts back what it replaced, over ${SEQUENCES} random sequences`, () => {
    const first = Number(process.env.SETTINGS_SEED ?? 1);
    const count = Number(process.env.SETTINGS_SEQUENCES ?? (process.env.SETTINGS_SEED ? 1 : SEQUENCES));
    for (let seed = first; seed < first + count; seed++) {
      try {
        run(seed, { planSettings, applyPlan, undoSettings });
      } catch (error) {
        throw new Error(`The sequence with seed ${seed} failed (run it alone: SETTINGS_SEED=${seed}): ${(error as Error).message}\n${(error as { steps?: string[] }).steps?.join('\n') ?? ''}`, { cause: error });
      }
    }
  });
});
