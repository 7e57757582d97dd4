// Claude Code's settings file: Connect changes only the keys it owns, Disconnect puts the file
// back byte for byte, and what would win over the sign-in is found.
import * as assert from 'node:assert/strict';
import { parseSettings, valueAt } from '../../src/claudeCode/jsonEdit';
import { makeReadable, putBack, strictProblem } from '../../src/claudeCode/looseJson';
import { fileProblem } from '../../src/errors/settingsFile';
import { renderConsent } from '../../src/ui/consentHtml';
import { credentialProcessProfiles } from '../../src/claudeCode/places';
import { applyPlan, isConnected, planSettings, STATUS_LINE, statusLineSetting, undoSettings as undoOrProblem, type Desired, type UndoRecord } from '../../src/claudeCode/plan';

function undoSettings(text: string | undefined, record: UndoRecord) {
  const undone = undoOrProblem(text, record);
  assert.ok(undone.ok, 'not undone');
  return { ...undone, text: undone.text === undefined ? text : undone.text };
}

const EXPORT = "'/home/u/.config/Code/User/globalStorage/x/claude-code-helper' export";
const desired = (over: Partial<Desired['env']> = {}, helpers: Partial<Desired['helpers']> = {}): Desired => ({
  env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', ANTHROPIC_MODEL: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', ...over },
  helpers: { awsCredentialExport: EXPORT, awsAuthRefresh: EXPORT.replace('export', 'refresh'), otelHeadersHelper: undefined, ...helpers },
  statusLine: EXPORT.replace('export', 'statusline'),
});

const USERS_OWN = `// My Claude Code settings
{
    "model": "opus", // what I like
    "permissions": {
        "allow": ["Bash(npm test:*)"],
    },
    /* keep this */
    "env": {
        "MY_TOOL_TOKEN": "abc123",
        "ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-1-20250805-v1:0"
    }
}
`;

function connect(text: string | undefined, d = desired(), fixes: string[] = []) {
  const plan = planSettings({ file: '/f', text, desired: d });
  return applyPlan(text, plan, fixes, undefined);
}

describe("Claude Code's settings file", () => {
  it("replaces what Claude Code's /setup-bedrock wrote, with consent for its API key, and puts all of it back on Disconnect", () => {
    const wizard = JSON.stringify({ env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'eu-west-1', AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key-abc', ANTHROPIC_DEFAULT_OPUS_MODEL: 'eu.anthropic.claude-opus-5' } }, null, 2);
    const d = { ...desired(), env: { ...desired().env, ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-6-v1' } };
    const plan = planSettings({ file: '/f', text: wizard, desired: d });
    const apiKey = plan.conflicts.find((c) => c.id === 'apiKey');
    assert.ok(apiKey, 'the API key would win over the sign-in');
    assert.doesNotMatch(apiKey.why, /bedrock-api-key-abc/, 'its value is never shown');
    const { text, record } = applyPlan(wizard, plan, ['apiKey'], undefined);
    const env = JSON.parse(text).env as Record<string, string>;
    assert.equal(env.AWS_BEARER_TOKEN_BEDROCK, undefined);
    assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, 'us.anthropic.claude-opus-4-6-v1');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.deepEqual(JSON.parse(undoSettings(text, record).text!), JSON.parse(wizard), 'the wizard\'s settings come back, key by key');
  });


  it("writes the organisation's /model list and overrides, and puts the user's own list back on Disconnect", () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-a';
    const own = '{\n  "availableModels": ["sonnet"]\n}\n';
    const d = { ...desired(), policy: { availableModels: ['opus', 'haiku'], modelOverrides: { 'claude-opus-4-6': arn } } };
    const { text, record } = connect(own, d);
    assert.deepEqual(valueAt(text, ['availableModels']), ['opus', 'haiku']);
    assert.deepEqual({ ...(valueAt(text, ['modelOverrides']) as object) }, { 'claude-opus-4-6': arn });
    const again = planSettings({ file: '/f', text, desired: d, record });
    assert.deepEqual(again.changes, [], 'the same list and map again: nothing to change');
    const cleared = planSettings({ file: '/f', text, desired: { ...d, policy: { availableModels: [], modelOverrides: {} } }, record });
    assert.deepEqual(cleared.changes.map((c) => [c.path.join('.'), c.after]), [['availableModels', undefined], ['modelOverrides', undefined]], 'a policy taken back is taken out');
    assert.deepEqual(parseSettings(undoSettings(text, record).text ?? '').ok && JSON.parse(undoSettings(text, record).text ?? ''), { availableModels: ['sonnet'] }, "the user's own list comes back");
  });


  it("adds only the keys it owns, and keeps every comment, key and indentation of the user's", () => {
    const { text } = connect(USERS_OWN);
    assert.ok(text.startsWith('// My Claude Code settings\n{\n    "model": "opus", // what I like\n    "permissions": {\n        "allow": ["Bash(npm test:*)"],\n    },\n    /* keep this */\n'));
    assert.equal(valueAt(text, ['env', 'MY_TOOL_TOKEN']), 'abc123');
    assert.equal(valueAt(text, ['env', 'CLAUDE_CODE_USE_BEDROCK']), '1');
    assert.equal(valueAt(text, ['env', 'ANTHROPIC_MODEL']), 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.equal(valueAt(text, ['awsCredentialExport']), EXPORT);
    assert.match(text, /\n        "CLAUDE_CODE_USE_BEDROCK": "1"/, 'indented as the file is');
    assert.ok(isConnected(text, EXPORT));
  });

  it('says what it replaces, and puts the file back byte for byte on Disconnect', () => {
    const plan = planSettings({ file: '/f', text: USERS_OWN, desired: desired() });
    const model = plan.changes.find((c) => c.path.join('.') === 'env.ANTHROPIC_MODEL');
    assert.equal(model?.before, 'eu.anthropic.claude-opus-4-1-20250805-v1:0');
    const { text, record } = applyPlan(USERS_OWN, plan, [], undefined);
    assert.notEqual(text, USERS_OWN);
    assert.equal(undoSettings(text, record).text, USERS_OWN);
  });

  it('follows a change of the settings, and still puts back the original file', () => {
    const first = connect(USERS_OWN, desired({}, {}));
    const next = desired({ AWS_REGION: 'eu-west-1', ANTHROPIC_MODEL: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' }, { otelHeadersHelper: EXPORT.replace('export', 'otel-headers') });
    const plan = planSettings({ file: '/f', text: first.text, desired: next, record: first.record });
    assert.deepEqual(plan.changes.map((c) => c.path.join('.')).sort(), ['env.ANTHROPIC_MODEL', 'env.AWS_REGION', 'otelHeadersHelper']);
    const second = applyPlan(first.text, plan, [], first.record);
    assert.equal(valueAt(second.text, ['env', 'AWS_REGION']), 'eu-west-1');
    // Telemetry off again: the helper it added goes; nothing of the user's is touched.
    const third = applyPlan(second.text, planSettings({ file: '/f', text: second.text, desired: desired({ AWS_REGION: 'eu-west-1' }), record: second.record }), [], second.record);
    assert.equal(valueAt(third.text, ['otelHeadersHelper']), undefined);
    assert.equal(undoSettings(third.text, third.record).text, USERS_OWN);
  });

  it('puts back only its own keys when the user edited the file since, and keeps what they changed', () => {
    const { text, record } = connect(USERS_OWN);
    const edited = text.replace('"model": "opus"', '"model": "sonnet"').replace('"AWS_REGION": "us-east-1"', '"AWS_REGION": "ap-south-1"');
    const undone = undoSettings(edited, record);
    assert.ok(undone.text);
    assert.equal(valueAt(undone.text, ['model']), 'sonnet', "the user's edit stays");
    assert.equal(valueAt(undone.text, ['env', 'ANTHROPIC_MODEL']), 'eu.anthropic.claude-opus-4-1-20250805-v1:0', 'their model is back');
    assert.equal(valueAt(undone.text, ['env', 'CLAUDE_CODE_USE_BEDROCK']), undefined);
    assert.equal(valueAt(undone.text, ['awsCredentialExport']), undefined);
    assert.equal(valueAt(undone.text, ['env', 'AWS_REGION']), 'ap-south-1', 'changed by the user since: kept');
    assert.deepEqual(undone.kept, [['env', 'AWS_REGION']]);
    assert.match(undone.text, /\/\/ what I like/);
  });

  it('creates the file when there is none, and removes it again', () => {
    const { text, record } = connect(undefined);
    assert.ok(parseSettings(text).ok);
    assert.equal(record.startedEmpty, 'noFile');
    assert.equal(undoSettings(text, record).text, null);
  });

  it('keeps Windows line endings and tabs', () => {
    const crlf = '{\r\n\t"model": "opus"\r\n}\r\n';
    const { text, record } = connect(crlf);
    assert.doesNotMatch(text.replace(/\r\n/g, ''), /\n/, 'no bare newline');
    assert.match(text, /\r\n\t"env": \{\r\n\t\t"CLAUDE_CODE_USE_BEDROCK"/);
    assert.equal(undoSettings(text, record).text, crlf);
  });

  it('leaves a file that is not JSON alone, and says why', () => {
    const plan = planSettings({ file: '/f', text: '{ "model": "opus", oops }', desired: desired() });
    assert.equal(plan.problem, 'it is not valid JSON: there is something that is not JSON on line 1, column 20');
    assert.equal(planSettings({ file: '/f', text: '{\n  "model": "opus"\n  "env": {}\n}', desired: desired() }).problem, 'it is not valid JSON: a comma is missing at the end of line 2');
    assert.deepEqual(plan.changes, []);
    assert.match(planSettings({ file: '/f', text: '["a list"]', desired: desired() }).problem ?? '', /not hold a JSON object/);
  });

  it("finds what would win over the sign-in: a profile, keys of its own, the AWS guidance's helpers", () => {
    const guidance = JSON.stringify(
      {
        awsAuthRefresh: '/home/u/claude-code-with-bedrock/credential-process --profile ClaudeCode',
        awsCredentialExport: '/home/u/claude-code-with-bedrock/credential-process --profile ClaudeCode',
        env: { AWS_PROFILE: 'ClaudeCode', AWS_ACCESS_KEY_ID: 'AKIAOLD', AWS_SECRET_ACCESS_KEY: 'old-secret', CLAUDE_CODE_USE_BEDROCK: '0' },
      },
      null,
      2,
    );
    const profiles = credentialProcessProfiles('[default]\nregion = us-east-1\n\n[profile ClaudeCode]\ncredential_process = /home/u/claude-code-with-bedrock/credential-process\n');
    assert.deepEqual(profiles, ['ClaudeCode']);
    const plan = planSettings({ file: '/f', text: guidance, desired: desired(), guidanceProfiles: profiles });
    assert.equal(plan.replacesGuidance, true);
    assert.deepEqual(plan.conflicts.map((c) => c.id), ['profile', 'keys']);
    assert.match(plan.conflicts[0].why, /AWS_PROFILE to "ClaudeCode", a profile whose keys come from a credential_process/);
    assert.doesNotMatch(plan.conflicts[1].why, /AKIAOLD|old-secret/, 'names, never values');
    assert.ok(plan.changes.some((c) => c.path.join('.') === 'env.CLAUDE_CODE_USE_BEDROCK' && c.before === '0'));
    const fixed = applyPlan(guidance, plan, ['profile', 'keys'], undefined);
    assert.equal(valueAt(fixed.text, ['env', 'AWS_PROFILE']), undefined);
    assert.equal(valueAt(fixed.text, ['env', 'AWS_ACCESS_KEY_ID']), undefined);
    assert.equal(undoSettings(fixed.text, fixed.record).text, guidance, 'all of it comes back on Disconnect');
    const unfixed = applyPlan(guidance, plan, [], undefined);
    assert.equal(valueAt(unfixed.text, ['env', 'AWS_PROFILE']), 'ClaudeCode', 'a conflict is removed only when chosen');
  });

  it('reads past a byte order mark, as Claude Code does, and keeps it', () => {
    const bom = '\ufeff{\n  "model": "opus"\n}\n';
    const plan = planSettings({ file: '/f', text: bom, desired: desired() });
    assert.equal(plan.problem, undefined);
    assert.equal(plan.unreadable, undefined);
    const { text, record } = applyPlan(bom, plan, [], undefined);
    assert.ok(text.startsWith('\ufeff{'));
    assert.equal(undoSettings(text, record).text, bom);
    assert.equal(strictProblem(bom), undefined);
  });

  it('says why a file cannot be read or written in words, never as a code alone', () => {
    assert.equal(fileProblem(Object.assign(new Error('x'), { code: 'EACCES' }), 'written'), 'you do not have permission to change it');
    assert.equal(fileProblem(Object.assign(new Error('x'), { code: 'EACCES' }), 'read'), 'you do not have permission to read it');
    assert.equal(fileProblem(Object.assign(new Error('x'), { code: 'EROFS' }), 'written'), 'it is on a read-only disk');
    assert.equal(fileProblem(Object.assign(new Error('x'), { code: 'EWHATEVER' }), 'written'), 'it could not be written (EWHATEVER)');
    assert.equal(planSettings({ file: '/f', text: '{\n  "a": "x\n}', desired: desired() }).problem, 'it is not valid JSON: a text value is not closed with a double quote on line 2, column 8');
    assert.equal(planSettings({ file: '/f', text: '{ "env": "x" }', desired: desired() }).problem, 'its "env" is not an object of variables, as Claude Code expects');
  });

  it('finds every comment and trailing comma Claude Code refuses, takes them out, and puts each back beside its setting', () => {
    const loose = '// mine\n{\n    "model": "opus",   // what I like\n    /* block\n       comment */\n    "env": {\n        "A": "1", // a\n        // last\n    },\n    "list": [ // open\n        1,\n        2,\n    ],\n}\n// end\n';
    assert.equal(strictProblem(loose), 'line 1 has a comment (and 9 more such places)');
    const readable = makeReadable(loose)!;
    assert.deepEqual(JSON.parse(readable.text), { model: 'opus', env: { A: '1' }, list: [1, 2] });
    assert.equal(putBack(readable.text, readable.parts), loose, 'nothing changed since: exactly as it was');
    // Claude Code rewrote it (its order, 2 spaces): each part goes back beside the same setting.
    const rewritten = `${JSON.stringify({ env: { A: '1' }, list: [1, 2], model: 'opus' }, null, 2)}\n`;
    const back = putBack(rewritten, readable.parts)!;
    assert.match(back, /"model": "opus",? +\/\/ what I like\n/);
    assert.match(back, /\/\* block\n {7}comment \*\/\n {2}"env"/);
    assert.match(back, /"A": "1", \/\/ a\n {4}\/\/ last\n {2}\},/);
    assert.ok(back.startsWith('// mine\n{') && back.endsWith('}\n// end\n'));
    assert.deepEqual(JSON.parse(readable.text), JSON.parse(JSON.stringify(parseValue(back))));
  });
});

function parseValue(text: string): unknown {
  const parsed = parseSettings(text);
  assert.ok(parsed.ok);
  return parsed.value;
}

describe("Claude Code's settings file: the status line", () => {
  const LINE = EXPORT.replace('export', 'statusline');
  const ours = statusLineSetting(LINE);
  const line = (text: string | null | undefined) => JSON.parse(JSON.stringify(valueAt(text ?? '{}', ['statusLine']) ?? null)) as unknown;

  it('is offered only where the file has no status line, and written only when ticked', () => {
    const plan = planSettings({ file: '/f', text: USERS_OWN, desired: desired() });
    assert.deepEqual(plan.statusLine, { path: ['statusLine'], before: undefined, after: { type: 'command', command: LINE, padding: 0 } });
    assert.ok(!plan.changes.some((c) => c.path[0] === 'statusLine'), 'not among the changes made without a choice');
    assert.deepEqual(line(applyPlan(USERS_OWN, plan, [STATUS_LINE], undefined).text), ours);
    assert.equal(line(applyPlan(USERS_OWN, plan, [], undefined).text), null, 'unticked: nothing written');
    const theirs = '{\n  "statusLine": { "type": "command", "command": "~/bin/my-line" }\n}\n';
    const mine = planSettings({ file: '/f', text: theirs, desired: desired() });
    assert.equal(mine.statusLine, undefined, "the user's own: not offered");
    assert.deepEqual(line(applyPlan(theirs, mine, [STATUS_LINE], undefined).text), { type: 'command', command: '~/bin/my-line' });
  });

  it('is taken out key by key on Disconnect, the rest of the file as it was', () => {
    const plan = planSettings({ file: '/f', text: USERS_OWN, desired: desired() });
    const { text, record } = applyPlan(USERS_OWN, plan, [STATUS_LINE], undefined);
    assert.ok(record.keys.some((k) => k.path.join('.') === 'statusLine'));
    const edited = text.replace('"model": "opus"', '"model": "sonnet"');
    const undone = undoSettings(edited, record);
    assert.equal(line(undone.text), null);
    assert.equal(undone.text, USERS_OWN.replace('"model": "opus"', '"model": "sonnet"'));
  });

  it("stays as the user left it when they changed it after Connect", () => {
    const { text, record } = connect(USERS_OWN, desired(), [STATUS_LINE]);
    const changed = text.replace(`"padding": 0`, `"padding": 2`);
    assert.notEqual(changed, text);
    const undone = undoSettings(changed, record);
    assert.deepEqual(line(undone.text), { ...ours, padding: 2 });
    assert.deepEqual(undone.kept, [['statusLine']]);
  });

  it('is rewritten by a follow-up (the launcher moved) only while it holds what was written, and never offered again', () => {
    const moved = desired({}, {});
    const movedLine = "'/home/u/.vscode-server/data/User/globalStorage/x/claude-code-helper' statusline";
    const follow = { ...moved, statusLine: movedLine };
    // Ticked: the follow-up rewrites it.
    const ticked = connect(USERS_OWN, desired(), [STATUS_LINE]);
    const plan = planSettings({ file: '/f', text: ticked.text, desired: follow, record: ticked.record });
    assert.deepEqual(plan.changes.map((c) => c.path.join('.')), ['statusLine']);
    const next = applyPlan(ticked.text, plan, [], ticked.record);
    assert.deepEqual(line(next.text), statusLineSetting(movedLine));
    assert.equal(undoSettings(next.text, next.record).text, USERS_OWN, 'and Disconnect still takes it out');
    // Changed by the user since: theirs, not rewritten.
    const changed = ticked.text.replace(`"padding": 0`, `"padding": 1`);
    const theirs = planSettings({ file: '/f', text: changed, desired: follow, record: ticked.record });
    assert.deepEqual(theirs.changes, []);
    // Unticked: a follow-up writes nothing, whatever is chosen.
    const unticked = connect(USERS_OWN, desired(), []);
    const later = planSettings({ file: '/f', text: unticked.text, desired: follow, record: unticked.record });
    assert.deepEqual(later.changes, []);
    assert.equal(line(applyPlan(unticked.text, later, [], unticked.record).text), null);
  });

  it('is a box in the consent view, ticked, saying what it shows; absent where the user has a status line', () => {
    const page = { cspSource: 'vscode-webview://fake', nonce: 'bm9uY2U', scriptUri: 's.js', styleUri: 's.css', fileLabel: '~/.claude/settings.json' };
    const offered = renderConsent({ plan: planSettings({ file: '/f', text: USERS_OWN, desired: desired() }), panel: [] }, page);
    assert.match(offered, /<input type="checkbox" class="fix" id="statusLineChoice" value="statusLine" checked>/);
    assert.match(offered, /who is signed in, your quota headroom, today's tokens and cost on this machine, and when the keys renew/);
    const theirs = '{ "statusLine": { "type": "command", "command": "x" } }';
    assert.doesNotMatch(renderConsent({ plan: planSettings({ file: '/f', text: theirs, desired: desired() }), panel: [] }, page), /statusLineChoice/);
  });

  it('is not needed to count as connected', () => {
    assert.ok(isConnected(connect(USERS_OWN, desired(), []).text, EXPORT));
  });
});

