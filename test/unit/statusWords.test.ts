import * as assert from 'node:assert/strict';
import type { Session } from '../../src/auth/session';
import { statusView, tooltipMarkdown } from '../../src/ui/statusWords';

const session = {
  identity: { subject: 's', email: 'alice@example.com', name: 'Alice', department: undefined, groups: [] },
  credentials: { expiration: new Date(Date.now() + 3600_000).toISOString() },
  assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/R/alice@example.com',
  roleArn: 'arn:aws:iam::123456789012:role/R',
} as unknown as Session;

describe('the status bar item', () => {
  it('offers Sign In when signed out', () => {
    const view = statusView({ kind: 'signedOut' });
    assert.match(view.text, /Sign In/);
    assert.equal(view.command, 'claudeBedrock.signIn');
    assert.deepEqual(view.links.map((l) => l.label), ['Sign In', 'Diagnose']);
  });

  it('offers to cancel while signing in', () => {
    assert.equal(statusView({ kind: 'signingIn' }).command, 'claudeBedrock.cancelSignIn');
  });

  it('shows who is signed in, with the role and expiry in the tooltip', () => {
    const view = statusView({ kind: 'signedIn', session });
    assert.equal(view.text, '$(account) alice@example.com');
    assert.match(view.tooltip, /Signed in as Alice \(alice@example\.com\)/);
    assert.match(view.tooltip, /assumed-role\/R\/alice@example\.com/);
    assert.match(view.tooltip, /Credentials valid until .+, renewed automatically\./);
    assert.equal(view.command, 'claudeBedrock.showAccount');
    assert.deepEqual(view.links.map((l) => l.command), ['claudeBedrock.showUsage', 'claudeBedrock.diagnose']);
    assert.equal(view.warning, false);
  });

  it('warns when a new sign-in is needed, and says why', () => {
    const view = statusView({ kind: 'needsSignIn', identity: session.identity, reason: 'Your session has expired.' });
    assert.equal(view.warning, true);
    assert.equal(view.command, 'claudeBedrock.signIn');
    assert.match(view.tooltip, /alice@example\.com needs to sign in again\.\nYour session has expired\./);
  });

  it('writes the tooltip as Markdown that shows each line as it is, then its links', () => {
    const md = tooltipMarkdown(statusView({ kind: 'signedIn', session }));
    const [text, links] = md.split('\n\n');
    assert.equal(text.split('  \n')[0], '**Claude Code on Amazon Bedrock**');
    assert.match(text, /Signed in as Alice \\\(alice\\@example\\\.com\\\)/, 'no email link, no markup');
    assert.ok(text.includes(String.raw`Role\: arn\:aws\:sts\:\:123456789012\:assumed\-role\/R\/alice\@example\.com`), text);
    assert.equal(links, '[Usage](command:claudeBedrock.showUsage) · [Diagnose](command:claudeBedrock.diagnose)');
  });
});
