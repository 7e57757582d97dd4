import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as Ts from 'typescript';
import { awsErrorCode } from '../../src/errors/codes';
import { explain, oidcFailure, stsFailure, type ErrorContext } from '../../src/errors/explain';
import { QuotaError } from '../../src/quota/answer';
import { settingsFailure } from '../../src/errors/failure';
import { renewalFailure } from '../../src/errors/renewal';
import { timedOut } from '../../src/errors/signIn';

const ctx: ErrorContext = {
  issuer: 'https://idp.example.com/',
  clientId: 'client-1',
  roleArn: 'arn:aws:iam::123456789012:role/R',
  region: 'eu-west-1',
  redirectPort: 8400,
  sessionDuration: 3600,
  stsEndpoint: 'https://sts.eu-west-1.amazonaws.com',
  requestTimeout: 15,
  stsDeadline: 30,
};

/** openid-client nests the detail: ClientError -> OperationProcessingError -> { claim }. */
function clientError(code: string, extra: Record<string, unknown> = {}, cause?: unknown) {
  return Object.assign(new Error('x', { cause }), { name: 'ClientError', code, ...extra });
}

describe('IdP failures', () => {
  it('tells a declined sign-in from other refusals', () => {
    const denied = oidcFailure(clientError('OAUTH_AUTHORIZATION_RESPONSE_ERROR', { error: 'access_denied', error_description: 'User said no.' }), 'exchange', ctx);
    assert.equal(denied.kind, 'denied');
    assert.match(denied.message, /^Sign-in was declined at your identity provider: User said no\. If/);
    const refused = oidcFailure(clientError('OAUTH_AUTHORIZATION_RESPONSE_ERROR', { error: 'invalid_scope' }), 'exchange', ctx);
    assert.equal(refused.kind, 'idpRefused');
    assert.deepEqual(refused.actions.map((a) => a.kind), ['openSetting', 'showLog']);
  });

  it('reads which ID token claim failed through the nested causes', () => {
    for (const [claim, kind, words] of [
      ['iss', 'idTokenInvalid', /different issuer/],
      ['aud', 'idTokenInvalid', /different client/],
      ['nonce', 'idTokenInvalid', /nonce/],
    ] as const) {
      const inner = Object.assign(new Error('inner', { cause: { claim } }), { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
      const failure = oidcFailure(clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', {}, inner), 'exchange', ctx);
      assert.equal(failure.kind, kind);
      assert.match(failure.message, words);
    }
    assert.equal(oidcFailure(clientError('OAUTH_JWT_TIMESTAMP_CHECK_FAILED'), 'exchange', ctx).kind, 'idTokenExpired');
  });

  it('says the IdP cannot be reached for network errors anywhere in the cause chain', () => {
    const fetchFailed = Object.assign(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }));
    const failure = oidcFailure(fetchFailed, 'discovery', ctx);
    assert.equal(failure.kind, 'idpUnreachable');
    assert.match(failure.message, /\(ECONNREFUSED\)/);
    assert.ok(failure.transient);
  });

  it('says how long it waited for an IdP that did not answer', () => {
    for (const error of [clientError('OAUTH_TIMEOUT'), Object.assign(new Error('aborted'), { name: 'TimeoutError' })]) {
      const failure = oidcFailure(error, 'exchange', ctx);
      assert.equal(failure.kind, 'idpUnreachable');
      assert.match(failure.message, /^Could not reach your identity provider at https:\/\/idp\.example\.com\/ \(no answer within 15 s\)\. Check your network/);
      assert.ok(failure.transient);
    }
  });

  it('treats invalid_grant as a spent code at sign-in and a lost session at refresh', () => {
    const e = clientError('OAUTH_RESPONSE_BODY_ERROR', { error: 'invalid_grant' });
    assert.equal(oidcFailure(e, 'exchange', ctx).kind, 'codeRejected');
    const refresh = oidcFailure(e, 'refresh', ctx);
    assert.equal(refresh.kind, 'refreshRejected');
    assert.equal(refresh.transient, false);
  });

  it('names an issuer that discovery contradicts', () => {
    assert.equal(oidcFailure(clientError('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'), 'discovery', ctx).kind, 'issuerMismatch');
  });

  it("says what the identity provider's unusable answer was in words, never the library's code (kept for the report)", () => {
    // openid-client keeps the HTTP response as the cause of OAUTH_RESPONSE_IS_NOT_CONFORM.
    const notConform = oidcFailure(clientError('OAUTH_RESPONSE_IS_NOT_CONFORM', {}, { status: 503 }), 'exchange', ctx);
    assert.equal(notConform.kind, 'idpError');
    assert.equal(notConform.message, 'Your identity provider at https://idp.example.com/ gave an unexpected answer (HTTP 503). Try again in a moment; if it keeps happening, tell your platform team.');
    assert.equal(notConform.code, 'OAUTH_RESPONSE_IS_NOT_CONFORM');
    const invalid = oidcFailure(clientError('OAUTH_INVALID_RESPONSE'), 'exchange', ctx);
    assert.match(invalid.message, /^Your identity provider at https:\/\/idp\.example\.com\/ gave an unexpected answer\. Try again/);
    for (const failure of [notConform, invalid]) assert.doesNotMatch(failure.message, /OAUTH_|ClientError/);
  });

  it('tells a spent or expired sign-in code from a set-up mistake: sign in again, no redirect URI blamed', () => {
    const replayed = oidcFailure(clientError('OAUTH_RESPONSE_BODY_ERROR', { error: 'invalid_grant', error_description: 'grant request is invalid', status: 400 }), 'exchange', ctx);
    assert.equal(replayed.kind, 'codeRejected');
    assert.equal(
      replayed.message,
      'Your identity provider did not accept the sign-in code: it was already used, or it expired before it reached VS Code (invalid_grant: grant request is invalid). Sign in again.',
    );
    assert.doesNotMatch(replayed.message, /redirect URI|register/);
    assert.deepEqual(replayed.actions.map((a) => a.kind), ['signIn']);
  });

  it('keeps the session when the identity provider answers a refresh with "not now", and ends it only for a dead grant', () => {
    for (const answer of [{ error: 'temporarily_unavailable', status: 503 }, { error: 'server_error', status: 500 }, { error: 'slow_down', status: 400 }, { error: 'invalid_request', status: 429 }]) {
      const failure = oidcFailure(clientError('OAUTH_RESPONSE_BODY_ERROR', answer), 'refresh', ctx);
      assert.equal(failure.kind, 'idpError', answer.error);
      assert.ok(failure.transient, `${answer.error} is tried again`);
    }
    for (const error of ['invalid_grant', 'invalid_client', 'unauthorized_client']) {
      const failure = oidcFailure(clientError('OAUTH_RESPONSE_BODY_ERROR', { error, status: 400 }), 'refresh', ctx);
      assert.equal(failure.kind, 'refreshRejected', error);
      assert.equal(failure.transient, false);
    }
  });
});

describe('STS failures', () => {
  function awsError(name: string, status: number | undefined, message = 'm') {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
  }

  it('maps each STS error code to its sentence', () => {
    const cases: [string, number, string][] = [
      ['InvalidIdentityTokenException', 400, 'stsInvalidToken'],
      ['IDPRejectedClaimException', 403, 'stsInvalidToken'],
      ['AccessDenied', 403, 'stsAccessDenied'],
      ['ExpiredTokenException', 400, 'stsExpiredToken'],
      ['IDPCommunicationErrorException', 400, 'stsIdpCommunication'],
      ['RegionDisabledException', 403, 'stsRegionDisabled'],
      ['Throttling', 400, 'stsError'],
    ];
    for (const [name, status, kind] of cases) assert.equal(stsFailure(awsError(name, status), ctx).kind, kind, name);
  });

  it('tells a too-long session apart from other validation errors', () => {
    assert.equal(stsFailure(awsError('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), ctx).kind, 'stsDuration');
    assert.equal(stsFailure(awsError('ValidationError', 400, 'Something else'), ctx).kind, 'stsError');
  });

  it('says an STS answer that could not be read is one, not a refusal with HTTP 200', () => {
    // What the AWS SDK throws for an XML body cut off mid-way, and aws/sts.ts for one without keys.
    for (const error of [awsError('Error', 200, '@aws-sdk XML parse error: missing closing tag'), awsError('MalformedResponse', 200, 'The STS answer holds no credentials.')]) {
      const failure = stsFailure(error, ctx);
      assert.equal(failure.kind, 'stsError');
      assert.equal(failure.message, 'AWS STS at https://sts.eu-west-1.amazonaws.com gave an answer this extension cannot read. Try again in a moment; if it keeps happening, show the log to your platform team.');
      assert.doesNotMatch(failure.message, /refused|HTTP 200/);
    }
  });

  it('says STS cannot be reached when there was no HTTP answer', () => {
    const failure = stsFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ctx);
    assert.equal(failure.kind, 'stsUnreachable');
    assert.match(failure.message, /^Could not reach AWS STS at https:\/\/sts\.eu-west-1\.amazonaws\.com \(ECONNREFUSED\)/);
  });

  it('says how long it waited for an STS that did not answer, for one attempt or all of them', () => {
    for (const name of ['TimeoutError', 'AbortError']) {
      const failure = stsFailure(Object.assign(awsError(name, undefined), { code: 'ETIMEDOUT' }), ctx);
      assert.equal(failure.kind, 'stsUnreachable');
      assert.match(failure.message, /^Could not reach AWS STS at https:\/\/sts\.eu-west-1\.amazonaws\.com \(no answer within 30 s\)\. Check your network/);
      assert.deepEqual(failure.actions.map((a) => a.kind), ['signIn', 'showLog']);
    }
  });

  it('reads AWS error codes without the SDK suffix', () => {
    assert.equal(awsErrorCode(awsError('InvalidIdentityTokenException', 400)), 'InvalidIdentityToken');
    assert.equal(awsErrorCode(awsError('ExpiredTokenException', 400)), 'ExpiredToken');
    assert.equal(awsErrorCode(new Error('plain')), undefined);
  });
});

describe('other failures', () => {
  it('names the first bad setting and counts the rest', () => {
    const one = settingsFailure([{ setting: 'claudeBedrock.issuer', problem: 'is not set.' }]);
    assert.equal(one.message, 'Claude Bedrock cannot sign in: the setting claudeBedrock.issuer is not set.');
    assert.deepEqual(one.actions, [{ kind: 'openSetting', setting: 'claudeBedrock.issuer' }]);
    const three = settingsFailure([
      { setting: 'claudeBedrock.issuer', problem: 'is not set.' },
      { setting: 'claudeBedrock.clientId', problem: 'is not set.' },
      { setting: 'claudeBedrock.roleArn', problem: 'is not set.' },
    ]);
    assert.match(three.message, /2 more settings need attention too\.$/);
  });

  it("quotes names in its own sentences without Markdown backticks, which a notification shows as they are", () => {
    // Loaded beside the bundle, not into it: the compiler only reads the sources here.
    const ts = createRequire(__filename)('typescript') as typeof Ts;
    const src = path.resolve(__dirname, '../../../src');
    // Where backticks are Markdown that VS Code renders, or code: the settings' descriptions, the
    // terminal's description, Diagnose (its page and its Markdown report), the escaping of Markdown
    // itself, the launcher's shell quoting.
    const markdown = /^(config\/|terminal\/variables\.ts$|diagnose\/|util\/text\.ts$|claudeCode\/launcher\.ts$)/;
    const found: string[] = [];
    for (const file of (readdirSync(src, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).filter((f) => f.endsWith('.ts') && !markdown.test(f))) {
      const source = ts.createSourceFile(file, readFileSync(path.join(src, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: Ts.Node): void => {
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) && node.text.includes('`')) {
          found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(found, []);
  });

  it('says how long the sign-in waited', () => {
    assert.match(timedOut(300).message, /within 5 minutes\./);
    assert.match(timedOut(60).message, /within 1 minute\./);
    assert.match(timedOut(90).message, /within 90 seconds\./);
  });
});

describe('the one error table, for the services read with the session', () => {
  const aws = (name: string, status = 400) => Object.assign(new Error('m'), { name, $metadata: { httpStatusCode: status } });

  it('reads CloudWatch errors by their codes, and says when it tries again', () => {
    const ctx = { endpoint: 'https://monitoring.eu-west-1.amazonaws.com', requestTimeout: 15, retryInMs: 10 * 60_000 };
    assert.equal(explain('cloudwatch', aws('ThrottlingException'), ctx).message, 'CloudWatch is throttling requests; trying again in 10 min.');
    assert.equal(explain('cloudwatch', aws('AccessDenied', 403), ctx).kind, 'accessDenied');
    assert.equal(explain('cloudwatch', aws('ExpiredTokenException'), ctx).kind, 'expiredKeys');
    assert.equal(explain('cloudwatch', new SyntaxError('Unexpected token'), ctx).kind, 'unreadable');
    assert.equal(explain('cloudwatch', Object.assign(aws('TimeoutError', 0), { code: 'ETIMEDOUT' }), ctx).message, 'CloudWatch at https://monitoring.eu-west-1.amazonaws.com did not answer within 15 s.');
    assert.equal(explain('cloudwatch', aws('InternalFailure', 500), ctx).message, 'CloudWatch answered InternalFailure.');
  });

  it('reads the quota service by the codes its client gives, and fetch by its network code', () => {
    const ctx = { endpoint: 'https://quota.example.com/check', requestTimeout: 5 };
    assert.equal(explain('quota', new QuotaError('QUOTA_REJECTED', 'x', 401), ctx).message, 'The quota service did not accept your sign-in.');
    assert.equal(explain('quota', new QuotaError('QUOTA_HTTP', 'x', 503), ctx).message, 'The quota service answered HTTP 503.');
    assert.equal(explain('quota', new QuotaError('QUOTA_SHAPE', 'x'), ctx).kind, 'unreadable');
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    assert.equal(explain('quota', refused, ctx).message, 'The quota service at https://quota.example.com/check could not be reached (ECONNREFUSED).');
  });

  it('marks what is worth trying again on its own', () => {
    assert.equal(explain('bedrock', aws('ThrottlingException')).transient, true);
    assert.equal(explain('bedrock', aws('AccessDeniedException', 403)).transient, false);
    assert.equal(explain('sts', aws('AccessDenied', 403), ctx).transient, false);
    assert.equal(explain('idp', Object.assign(new Error('x'), { code: 'OAUTH_TIMEOUT' }), ctx).transient, true);
  });
});

describe('a renewal that fails', () => {
  const NOW = Date.parse('2026-11-24T10:00:00Z');
  const aws = (name: string, status: number | undefined) => Object.assign(new Error('m'), { name, $metadata: { httpStatusCode: status } });
  const idp = (code: string, extra: Record<string, unknown> = {}, cause?: unknown) => Object.assign(new Error('x', { cause }), { name: 'ClientError', code, ...extra });

  // What passes by itself: throttled, a server error, an answer cut off, no answer in time.
  const passing: [string, unknown, 'sts' | 'refresh', RegExp][] = [
    ['STS throttled', aws('Throttling', 400), 'sts', /: AWS STS is throttling requests \(Throttling\)\. /],
    ['STS 5xx', aws('InternalFailure', 500), 'sts', /: AWS STS had an error of its own \(InternalFailure\)\. /],
    ['STS malformed XML', aws('Error', 200), 'sts', /: AWS STS at https:\/\/sts\.eu-west-1\.amazonaws\.com gave an answer this extension cannot read\. /],
    ['STS slow', Object.assign(aws('TimeoutError', undefined), { code: 'ETIMEDOUT' }), 'sts', /: could not reach AWS STS at https:\/\/sts\.eu-west-1\.amazonaws\.com \(no answer within 30 s\)\. /],
    ['STS could not reach the IdP', aws('IDPCommunicationErrorException', 400), 'sts', /: AWS STS could not reach your identity provider to verify the sign-in \(IDPCommunicationError\)\. /],
    ['the IdP 503', idp('OAUTH_RESPONSE_IS_NOT_CONFORM', {}, { status: 503 }), 'refresh', /: your identity provider at https:\/\/idp\.example\.com\/ gave an unexpected answer \(HTTP 503\)\. /],
    ['the IdP temporarily unavailable', idp('OAUTH_RESPONSE_BODY_ERROR', { error: 'temporarily_unavailable', status: 503 }), 'refresh', /cannot renew sign-ins just now \(temporarily_unavailable\)\. /],
    ['the IdP unreachable', idp('OAUTH_TIMEOUT'), 'refresh', /: could not reach your identity provider at https:\/\/idp\.example\.com\/ \(no answer within 15 s\)\. /],
  ];

  for (const [what, error, step, says] of passing) {
    it(`for a passing reason (${what}) says the session is still good, that it tries again by itself, and until when the keys work; no Sign In`, () => {
      const explained = step === 'sts' ? stsFailure(error, ctx) : oidcFailure(error, 'refresh', ctx);
      const failure = renewalFailure(explained, NOW + 20 * 60_000, NOW);
      assert.match(failure.message, /^Your AWS keys could not be renewed just now: /);
      assert.match(failure.message, says);
      assert.match(failure.message, /You are still signed in: the current AWS keys work until \d{1,2}[:.]\d{2}\b.*, and renewal tries again by itself\.$/);
      assert.doesNotMatch(failure.message, /refused the sign-in|sign in again|HTTP 200|OAUTH_/i);
      assert.deepEqual(failure.actions.map((a) => a.kind), ['showLog']);
      assert.equal(failure.kind, explained.kind);
      assert.ok(failure.transient, 'still tried again');
    });
  }

  it('says when the keys ran out, if they have, and that they come back without a new sign-in', () => {
    const failure = renewalFailure(stsFailure(aws('Throttling', 400), ctx), NOW - 60_000, NOW);
    assert.match(failure.message, /You are still signed in, but the AWS keys ran out at \d{1,2}[:.]\d{2}.*: Claude Code gets new ones as soon as renewal, which tries again by itself, gets through\.$/);
    assert.deepEqual(failure.actions.map((a) => a.kind), ['showLog']);
  });

  it('keeps the sentence of a failure that needs a new sign-in', () => {
    const dead = oidcFailure(idp('OAUTH_RESPONSE_BODY_ERROR', { error: 'invalid_grant', status: 400 }), 'refresh', ctx);
    assert.equal(renewalFailure(dead, NOW + 20 * 60_000, NOW), dead);
    const denied = stsFailure(aws('AccessDenied', 403), ctx);
    assert.equal(renewalFailure(denied, NOW + 20 * 60_000, NOW), denied);
  });
});
