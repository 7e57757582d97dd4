// The AWS emulator: one HTTP server on 127.0.0.1 that speaks the wire protocols of the AWS
// services the extension and Claude Code use, with SigV4 verified against the keys its own STS
// issued. Services are told apart the way AWS endpoints would tell them apart: STS by its query
// Action, JSON services by X-Amz-Target, REST services by path.
//
// A control API under /__aws/ lets tests inject faults, list calls (and who signed them), seed
// data, and read every key issued (for the secrets canary).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { BedrockService, requestLevers, type BedrockSwitches, type RequestLevers } from './bedrock';
import { CloudWatchService } from './cloudwatch';
import { CognitoIdentityService, type IdentityPool } from './cognito';
import { OidcError, SsoService, type SsoInstance, type SsoLoginDecision } from './sso';
import { AwsError, verifySigV4, type Dialect, type SignedCaller } from './sigv4';
import { ACCOUNT_ID, StsService, newRequestId, queryErrorXml, type IssuedKey, type OidcProviderRegistration, type RoleDefinition } from './sts';

export { ACCOUNT_ID };

/** A fault to inject into matching requests. */
export interface FaultRule {
  /** Signing service name (sts, bedrock, monitoring); any when absent. */
  readonly service?: string;
  /** Action or operation name (AssumeRoleWithWebIdentity, GetCallerIdentity, ...); any when absent. */
  readonly action?: string;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /**
   * 'delay': hold the request `delayMs`, then answer as usual. 'hold': hold it until the tests
   * release it (POST /__aws/release), then answer as usual. 'hang': never answer; the request
   * stays open until the client gives up.
   */
  readonly kind: 'throttle' | 'server' | 'malformed' | 'error' | 'delay' | 'hold' | 'hang';
  readonly delayMs?: number;
  /** For kind 'error': the error to answer. */
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
}

/**
 * A quota policy of the guidance's quota API (tokens); `blocked` forces a block with that reason,
 * and `message` is the service's own words beside it.
 */
export interface QuotaPolicy {
  readonly monthly_limit: number;
  readonly daily_limit: number;
  readonly blocked?: string;
  readonly message?: string;
}

export interface RecordedCall {
  readonly service: string;
  readonly action: string;
  /** The key that signed the call (undefined for unsigned calls). */
  readonly accessKeyId: string | undefined;
  /** What the call was about: the model id for Bedrock calls. */
  readonly subject?: string;
  /** For Bedrock inference: the cost levers the request asked for. */
  readonly levers?: RequestLevers;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly at: string;
}

export interface EmulatorSeed {
  readonly providers: OidcProviderRegistration[];
  readonly roles: RoleDefinition[];
  /** Cognito identity pools in front of the IdP. */
  readonly pools?: IdentityPool[];
  /** IAM Identity Center instances, with their users' accounts and permission sets. */
  readonly sso?: SsoInstance[];
}

export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  readonly sts: StsService;
  readonly bedrock: BedrockService;
  readonly cloudwatch: CloudWatchService;
  readonly cognito: CognitoIdentityService;
  readonly sso: SsoService;
  /** The quota API's policy table (by email, or by subject for tokens without one) and the policy for everyone else. */
  readonly quota: { policies: Record<string, QuotaPolicy>; defaultPolicy: QuotaPolicy };
  readonly calls: RecordedCall[];
  addFaults(rules: FaultRule[]): void;
  reset(): void;
  close(): Promise<void>;
}

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly url: URL;
  readonly body: Buffer;
  readonly requestId: string;
}

/** How each service answers the injected faults: its content type, a cut-off body, its own errors. */
interface FaultShape {
  readonly contentType: string;
  readonly truncated: string;
  readonly throttle: () => AwsError;
  readonly server: () => AwsError;
  /** The code of an 'error' fault that names none. */
  readonly code: string;
}

const INTERNAL = 'We encountered an internal error. Please try again.';
const FAULTS = {
  sts: { contentType: 'text/xml', truncated: '<AssumeRoleWithWebIdentityResponse><Broken', throttle: () => new AwsError(400, 'Throttling', 'Rate exceeded'), server: () => new AwsError(500, 'InternalFailure', INTERNAL, 'Receiver'), code: 'ValidationError' },
  cloudwatch: { contentType: 'application/x-amz-json-1.0', truncated: '{"MetricDataResults": [', throttle: () => new AwsError(400, 'Throttling', 'Rate exceeded'), server: () => new AwsError(500, 'InternalFailure', INTERNAL, 'Receiver'), code: 'ValidationError' },
  bedrock: { contentType: 'application/json', truncated: '{"truncated": ', throttle: () => new AwsError(400, 'ThrottlingException', 'Rate exceeded'), server: () => new AwsError(500, 'InternalServerException', INTERNAL, 'Receiver'), code: 'ValidationError' },
  cognito: { contentType: 'application/x-amz-json-1.1', truncated: '{"IdentityId": ', throttle: () => new AwsError(400, 'TooManyRequestsException', 'Rate exceeded'), server: () => new AwsError(500, 'InternalErrorException', 'An internal error occurred.', 'Receiver'), code: 'InvalidParameterException' },
  ssoOidc: { contentType: 'application/json', truncated: '{"accessToken": ', throttle: () => new OidcError(400, 'SlowDownException', 'slow_down', 'Client is polling too quickly.'), server: () => new OidcError(500, 'InternalServerException', 'server_error', 'An internal error occurred.'), code: 'InvalidRequestException' },
  ssoPortal: { contentType: 'application/json', truncated: '{"accessToken": ', throttle: () => new AwsError(429, 'TooManyRequestsException', 'Rate exceeded'), server: () => new AwsError(500, 'InternalServerException', 'An internal error occurred.', 'Receiver'), code: 'InvalidRequestException' },
} satisfies Record<string, FaultShape>;

const MAX_BODY = 2 * 1024 * 1024;

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AwsError(413, 'RequestEntityTooLarge', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startEmulator(seed: EmulatorSeed, options: { port?: number } = {}): Promise<Emulator> {
  const sts = new StsService();
  const bedrock = new BedrockService();
  const cloudwatch = new CloudWatchService();
  const cognito = new CognitoIdentityService(sts);
  cognito.pools.push(...(seed.pools ?? []));
  const sso = new SsoService(sts);
  sso.instances.push(...(seed.sso ?? []));
  const quota: { policies: Record<string, QuotaPolicy>; defaultPolicy: QuotaPolicy } = {
    policies: {},
    defaultPolicy: { monthly_limit: 225_000_000, daily_limit: Math.round((225_000_000 / 30) * 1.1) },
  };
  sts.providers.push(...seed.providers);
  sts.roles.push(...seed.roles);
  let faults: FaultRule[] = [];
  const calls: RecordedCall[] = [];

  const TIMING = new Set<FaultRule['kind']>(['delay', 'hold', 'hang']);
  /** Requests held by 'hold' rules, and what lets each go on. */
  const held = new Set<() => void>();
  /** Requests never to be answered ('hang'), ended when the client gives up or at reset. */
  const hung = new Set<http.ServerResponse>();

  /**
   * Applies a timing rule (delay, hold, hang) matching the request; other rules are left for
   * takeFault. True when the request hangs: the caller must not answer it.
   */
  async function delayFor(ex: Exchange, service: string, action: string): Promise<boolean> {
    const rule = faults.find((f) => TIMING.has(f.kind) && (!f.service || f.service === service) && (!f.action || f.action === action) && (f.times ?? 1) > 0);
    if (!rule) return false;
    rule.times = (rule.times ?? 1) - 1;
    faults = faults.filter((f) => (f.times ?? 1) > 0);
    if (rule.kind === 'hang') {
      hung.add(ex.res);
      record(service, action, undefined, 0, 'Hung');
      await new Promise((resolve) => ex.res.once('close', resolve));
      hung.delete(ex.res);
      return true;
    }
    if (rule.kind === 'hold') {
      await new Promise<void>((resolve) => held.add(resolve));
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, rule.delayMs ?? 1000));
    return false;
  }

  function releaseHeld(): number {
    const count = held.size;
    for (const release of held) release();
    held.clear();
    return count;
  }

  function takeFault(service: string, action: string): FaultRule | undefined {
    const rule = faults.find((f) => !TIMING.has(f.kind) && (!f.service || f.service === service) && (!f.action || f.action === action) && (f.times ?? 1) > 0);
    if (!rule) return undefined;
    rule.times = (rule.times ?? 1) - 1;
    faults = faults.filter((f) => (f.times ?? 1) > 0);
    return rule;
  }

  function record(service: string, action: string, accessKeyId: string | undefined, status: number, errorCode?: string, subject?: string, levers?: RequestLevers): void {
    calls.push({ service, action, accessKeyId, status, errorCode, subject, ...(levers ? { levers } : {}), at: new Date().toISOString() });
  }

  async function verify(ex: Exchange, service: string, dialect: Dialect): Promise<SignedCaller> {
    return verifySigV4(
      { method: ex.req.method ?? 'GET', url: ex.req.url ?? '/', headers: ex.req.headers, body: ex.body },
      service,
      dialect,
      sts.lookup,
      sts.now(),
    );
  }

  function sendXml(ex: Exchange, status: number, xml: string): void {
    ex.res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': ex.requestId, 'content-length': Buffer.byteLength(xml) });
    ex.res.end(xml);
  }

  /**
   * Answers an injected fault in the service's own shape: a body cut off mid-way (returns true:
   * answered), or throws the service's throttling, server or named error.
   */
  function answerFault(ex: Exchange, rule: FaultRule, shape: FaultShape): true {
    if (rule.kind === 'malformed') {
      ex.res.writeHead(200, { 'content-type': shape.contentType, 'x-amzn-requestid': ex.requestId });
      ex.res.end(shape.truncated);
      return true;
    }
    if (rule.kind === 'throttle') throw shape.throttle();
    if (rule.kind === 'server') throw shape.server();
    throw new AwsError(rule.status ?? 400, rule.code ?? shape.code, rule.message ?? 'Injected error');
  }

  async function handleQuery(ex: Exchange): Promise<void> {
    const params = new URLSearchParams(ex.body.toString('utf8'));
    const action = params.get('Action') ?? '';
    let accessKeyId: string | undefined;
    try {
      if (params.get('Version') !== '2011-06-15') throw new AwsError(400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version')}`);
      if (await delayFor(ex, 'sts', action)) return;
      const rule = takeFault('sts', action);
      if (rule && answerFault(ex, rule, FAULTS.sts)) return record('sts', action, undefined, 200, 'Malformed');
      if (action === 'AssumeRoleWithWebIdentity') {
        const xml = await sts.assumeRoleWithWebIdentity(params, ex.requestId);
        record('sts', action, undefined, 200);
        return sendXml(ex, 200, xml);
      }
      const caller = await verify(ex, 'sts', 'query');
      accessKeyId = caller.accessKeyId;
      if (action === 'GetCallerIdentity') {
        record('sts', action, accessKeyId, 200);
        return sendXml(ex, 200, sts.getCallerIdentity(caller.key as IssuedKey, ex.requestId));
      }
      throw new AwsError(400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError(500, 'InternalFailure', String(error), 'Receiver');
      record('sts', action, accessKeyId, e.status, e.code);
      sendXml(ex, e.status, queryErrorXml(e, ex.requestId));
    }
  }

  function sendJson(ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    ex.res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': ex.requestId, 'content-length': Buffer.byteLength(text), ...headers });
    ex.res.end(text);
  }

  /** REST-JSON errors: the code in x-amzn-ErrorType, the message in the body. */
  function sendRestError(ex: Exchange, error: AwsError): void {
    sendJson(ex, error.status, { message: error.message }, { 'x-amzn-errortype': `${error.code}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
  }

  /** Bedrock's REST routes: the operation and its path parameter. */
  function bedrockRoute(method: string, pathname: string): { action: string; id?: string } | undefined {
    let m: RegExpExecArray | null;
    if (method === 'GET' && pathname === '/inference-profiles') return { action: 'ListInferenceProfiles' };
    if (method === 'GET' && (m = /^\/foundation-model-availability\/([^/]+)$/.exec(pathname))) {
      return { action: 'GetFoundationModelAvailability', id: decodeURIComponent(m[1]) };
    }
    if (method === 'GET' && (m = /^\/inference-profiles\/([^/]+)$/.exec(pathname))) return { action: 'GetInferenceProfile', id: decodeURIComponent(m[1]) };
    if (method === 'POST' && (m = /^\/model\/([^/]+)\/invoke$/.exec(pathname))) return { action: 'InvokeModel', id: decodeURIComponent(m[1]) };
    if (method === 'POST' && (m = /^\/model\/([^/]+)\/invoke-with-response-stream$/.exec(pathname))) {
      return { action: 'InvokeModelWithResponseStream', id: decodeURIComponent(m[1]) };
    }
    return undefined;
  }

  async function handleBedrock(ex: Exchange, route: { action: string; id?: string }): Promise<void> {
    let accessKeyId: string | undefined;
    try {
      const caller = await verify(ex, 'bedrock', 'json');
      accessKeyId = caller.accessKeyId;
      if (await delayFor(ex, 'bedrock', route.action)) return;
      const rule = takeFault('bedrock', route.action);
      if (rule && answerFault(ex, rule, FAULTS.bedrock)) return record('bedrock', route.action, accessKeyId, 200, 'Malformed', route.id);
      bedrock.authorize(route.action, (caller.key as IssuedKey).arn ?? '', caller.region);
      switch (route.action) {
        case 'GetFoundationModelAvailability':
          sendJson(ex, 200, bedrock.availability(caller.region, route.id!));
          return record('bedrock', route.action, accessKeyId, 200, undefined, route.id);
        case 'ListInferenceProfiles':
          record('bedrock', route.action, accessKeyId, 200);
          return sendJson(ex, 200, bedrock.listInferenceProfiles(caller.region, ex.url.searchParams));
        case 'GetInferenceProfile':
          sendJson(ex, 200, bedrock.getInferenceProfile(caller.region, route.id!));
          return record('bedrock', route.action, accessKeyId, 200, undefined, route.id);
        default: {
          const { answer } = bedrock.invoke(caller.region, route.id!, ex.body, route.action === 'InvokeModelWithResponseStream');
          record('bedrock', route.action, accessKeyId, answer.status, undefined, route.id, requestLevers(ex.body, ex.req.headers));
          ex.res.writeHead(answer.status, { ...answer.headers, 'x-amzn-requestid': ex.requestId, 'content-length': answer.body.length });
          ex.res.end(answer.body);
          return;
        }
      }
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError(500, 'InternalServerException', String(error), 'Receiver');
      record('bedrock', route.action, accessKeyId, e.status, e.code, route.id);
      sendRestError(ex, e);
    }
  }

  /** AWS JSON 1.0, query-compatible (CloudWatch): errors carry the query code in a header too. */
  function sendJsonError(ex: Exchange, error: AwsError): void {
    sendJson(ex, error.status, { __type: error.code, message: error.message }, { 'x-amzn-query-error': `${error.code};${error.type}` });
  }

  /** Cognito Identity: AWS JSON 1.1, unsigned (the ID token in Logins is the proof). */
  async function handleCognito(ex: Exchange, target: string): Promise<void> {
    const action = target.split('.')[1] ?? '';
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      ex.res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ex.requestId, 'content-length': Buffer.byteLength(text), ...headers });
      ex.res.end(text);
    };
    try {
      if (await delayFor(ex, 'cognito-identity', action)) return;
      const rule = takeFault('cognito-identity', action);
      if (rule && answerFault(ex, rule, FAULTS.cognito)) return record('cognito-identity', action, undefined, 200, 'Malformed');
      const body = ex.body.length ? (JSON.parse(ex.body.toString('utf8')) as Record<string, unknown>) : {};
      const answer = await cognito.handle(action, body);
      const identityId = typeof answer.IdentityId === 'string' ? answer.IdentityId : undefined;
      const keyId = (answer.Credentials as { AccessKeyId?: string } | undefined)?.AccessKeyId;
      record('cognito-identity', action, keyId, 200, undefined, identityId);
      send(200, answer);
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError(500, 'InternalErrorException', String(error), 'Receiver');
      record('cognito-identity', action, undefined, e.status, e.code);
      send(e.status, { __type: e.code, message: e.message }, { 'x-amzn-errortype': e.code });
    }
  }

  /** IAM Identity Center: SSO OIDC and the SSO portal, REST-JSON, unsigned. */
  const SSO_ROUTES: Record<string, { service: string; action: string }> = {
    'POST /client/register': { service: 'sso-oauth', action: 'RegisterClient' },
    'POST /device_authorization': { service: 'sso-oauth', action: 'StartDeviceAuthorization' },
    'POST /token': { service: 'sso-oauth', action: 'CreateToken' },
    'GET /authorize': { service: 'sso-oauth', action: 'Authorize' },
    'GET /device': { service: 'sso-oauth', action: 'Device' },
    'POST /device': { service: 'sso-oauth', action: 'Device' },
    'GET /assignment/accounts': { service: 'awsssoportal', action: 'ListAccounts' },
    'GET /assignment/roles': { service: 'awsssoportal', action: 'ListAccountRoles' },
    'GET /federation/credentials': { service: 'awsssoportal', action: 'GetRoleCredentials' },
    'POST /logout': { service: 'awsssoportal', action: 'Logout' },
  };

  function ssoRoute(method: string, pathname: string): { service: string; action: string; id?: string } | undefined {
    const login = /^\/authorize\/([\w-]+)$/.exec(pathname);
    if (method === 'POST' && login) return { service: 'sso-oauth', action: 'Login', id: login[1] };
    return SSO_ROUTES[`${method} ${pathname}`];
  }

  async function handleSso(ex: Exchange, route: { service: string; action: string; id?: string }): Promise<void> {
    const now = sts.now().getTime();
    const page = (answer: { status: number; headers: Record<string, string>; body: string }) => {
      ex.res.writeHead(answer.status, answer.headers);
      ex.res.end(answer.body);
    };
    try {
      if (await delayFor(ex, route.service, route.action)) return;
      const rule = takeFault(route.service, route.action);
      if (rule && answerFault(ex, rule, route.service === 'sso-oauth' ? FAULTS.ssoOidc : FAULTS.ssoPortal)) return record(route.service, route.action, undefined, 200, 'Malformed');
      const body = () => (ex.body.length ? (JSON.parse(ex.body.toString('utf8')) as Record<string, unknown>) : {});
      const bearer = ex.req.headers['x-amz-sso_bearer_token'] as string | undefined;
      const q = ex.url.searchParams;
      let answer: Record<string, unknown>;
      switch (route.action) {
        case 'Authorize':
          record(route.service, route.action, undefined, 200);
          return page(sso.authorize(q, `http://127.0.0.1:${port}`));
        case 'Login':
          record(route.service, route.action, undefined, 200);
          return page(sso.login(route.id!, new URLSearchParams(ex.body.toString('utf8'))));
        case 'Device': {
          record(route.service, route.action, undefined, 200);
          if (ex.req.method === 'POST') {
            const form = new URLSearchParams(ex.body.toString('utf8'));
            const approved = sso.approveDevice(String(form.get('user_code')).toUpperCase(), { action: 'login', user: String(form.get('username')) });
            return page({ status: 200, headers: { 'content-type': 'text/html' }, body: approved ? '<h1>Request approved</h1><p>You can close this window.</p>' : '<h1>Unknown code</h1>' });
          }
          const prefilled = (q.get('user_code') ?? '').toUpperCase();
          if (prefilled && sso.devicePageOpened(prefilled)) {
            return page({ status: 200, headers: { 'content-type': 'text/html' }, body: '<h1>Request decided</h1><p>You can close this window.</p>' });
          }
          return page({
            status: 200,
            headers: { 'content-type': 'text/html; charset=utf-8' },
            body: `<!doctype html><title>AWS access portal (emulated)</title><h1>Authorize request</h1><form method="post"><label>Code <input name="user_code" value="${(q.get('user_code') ?? '').replace(/[^A-Z0-9-]/gi, '')}"></label><label>Username <input name="username"></label><button type="submit">Allow</button></form>`,
          });
        }
        case 'RegisterClient':
          answer = sso.registerClient(body(), now);
          break;
        case 'StartDeviceAuthorization':
          answer = sso.startDeviceAuthorization(body(), `http://127.0.0.1:${port}`, now);
          break;
        case 'CreateToken':
          answer = sso.createToken(body(), now);
          break;
        case 'ListAccounts':
          answer = sso.listAccounts(bearer, now);
          break;
        case 'ListAccountRoles':
          answer = sso.listAccountRoles(bearer, q.get('account_id') ?? '', now);
          break;
        case 'GetRoleCredentials':
          answer = sso.getRoleCredentials(bearer, q.get('account_id') ?? '', q.get('role_name') ?? '', now);
          break;
        default:
          answer = {};
      }
      const keyId = (answer.roleCredentials as { accessKeyId?: string } | undefined)?.accessKeyId;
      record(route.service, route.action, keyId, 200);
      sendJson(ex, 200, answer);
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError(500, 'InternalServerException', String(error), 'Receiver');
      record(route.service, route.action, undefined, e.status, e.code);
      if (e instanceof OidcError) sendJson(ex, e.status, { error: e.oauthError, error_description: e.message }, { 'x-amzn-errortype': e.code });
      else sendJson(ex, e.status, { message: e.message }, { 'x-amzn-errortype': e.code });
    }
  }

  async function handleJson(ex: Exchange, target: string): Promise<void> {
    const [, action = ''] = target.split('.');
    let accessKeyId: string | undefined;
    try {
      if (!target.startsWith('GraniteServiceVersion20100801.')) throw new AwsError(400, 'UnknownOperationException', `Unknown target ${target}`);
      const caller = await verify(ex, 'monitoring', 'query');
      accessKeyId = caller.accessKeyId;
      if (await delayFor(ex, 'monitoring', action)) return;
      const rule = takeFault('monitoring', action);
      if (rule && answerFault(ex, rule, FAULTS.cloudwatch)) return record('monitoring', action, accessKeyId, 200, 'Malformed');
      const raw = ex.req.headers['content-encoding'] === 'gzip' ? gunzipSync(ex.body) : ex.body;
      const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, never>) : {};
      let answer: Record<string, unknown>;
      if (action === 'GetMetricData') {
        if (cloudwatch.denied.includes('GetMetricData')) {
          throw new AwsError(403, 'AccessDenied', `User: ${(caller.key as IssuedKey).arn} is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`);
        }
        answer = cloudwatch.getMetricData(body);
      } else if (action === 'PutMetricData') {
        cloudwatch.putMetricData(body);
        answer = {};
      } else if (action === 'ListMetrics') {
        answer = cloudwatch.listMetrics(body);
      } else {
        throw new AwsError(400, 'InvalidAction', `Could not find operation ${action}`);
      }
      record('monitoring', action, accessKeyId, 200);
      sendJson(ex, 200, answer, { 'content-type': 'application/x-amz-json-1.0' });
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError(400, 'InvalidParameterValue', error instanceof Error ? error.message : String(error));
      record('monitoring', action, accessKeyId, e.status, e.code);
      sendJsonError(ex, e);
    }
  }

  /**
   * The optional quota API of the guidance: GET with the ID token as Bearer, a policy table. The
   * user is whoever the token says: the email claim, else the subject. Faults as for AWS
   * services (service 'quota', action 'Check'): 'server' answers 502, 'malformed' a body that is
   * not JSON, 'error' the status given; the timing rules hold or never answer.
   */
  async function handleQuota(ex: Exchange): Promise<void> {
    if (await delayFor(ex, 'quota', 'Check')) return;
    const rule = takeFault('quota', 'Check');
    if (rule) {
      record('quota', 'Check', undefined, rule.kind === 'malformed' ? 200 : (rule.status ?? 502), rule.kind);
      if (rule.kind === 'malformed') {
        ex.res.writeHead(200, { 'content-type': 'application/json' });
        return void ex.res.end('{"allowed": tr');
      }
      return sendJson(ex, rule.kind === 'error' ? (rule.status ?? 500) : 502, { message: rule.message ?? 'Bad Gateway' });
    }
    const bearer = /^Bearer (.+)$/.exec(String(ex.req.headers.authorization ?? ''))?.[1];
    let claims: { email?: unknown; sub?: unknown } | undefined;
    try {
      if (bearer) claims = await sts.verifyIdToken(bearer);
      // Without an ID token (IAM Identity Center): the GET signed with the user's keys for
      // execute-api, and the user is the keys' role session.
      else if (String(ex.req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) claims = { sub: ((await verify(ex, 'execute-api', 'json')).key as IssuedKey).subject };
    } catch {
      claims = undefined;
    }
    if (!claims) {
      record('quota', 'Check', undefined, 401);
      return sendJson(ex, 401, { message: 'Unauthorized' });
    }
    const email = typeof claims.email === 'string' ? claims.email : undefined;
    const user = email ?? (typeof claims.sub === 'string' ? claims.sub : undefined);
    if (!user) {
      record('quota', 'Check', undefined, 200);
      return sendJson(ex, 200, { allowed: false, reason: 'missing_identity', usage: null, policy: null });
    }
    const own = quota.policies[user];
    const policy = own ?? quota.defaultPolicy;
    const now = new Date();
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const monthly = email ? cloudwatch.tokensFor(email, monthStart) : 0;
    const daily = email ? cloudwatch.tokensFor(email, dayStart) : 0;
    const reason = policy.blocked ?? (monthly >= policy.monthly_limit ? 'monthly_exceeded' : daily >= policy.daily_limit ? 'daily_exceeded' : own ? 'within_quota' : 'no_policy');
    const allowed = !policy.blocked && !['monthly_exceeded', 'daily_exceeded'].includes(reason);
    const percent = (a: number, b: number) => Math.round((a / b) * 1000) / 10;
    record('quota', 'Check', undefined, 200, allowed ? undefined : reason, user);
    sendJson(ex, 200, {
      allowed,
      reason,
      ...(policy.message ? { message: policy.message } : {}),
      usage: {
        monthly_tokens: monthly,
        monthly_limit: policy.monthly_limit,
        monthly_percent: percent(monthly, policy.monthly_limit),
        daily_tokens: daily,
        daily_limit: policy.daily_limit,
        daily_percent: percent(daily, policy.daily_limit),
      },
      policy: { type: own ? 'user' : 'default', identifier: own ? user : 'default' },
    });
  }

  async function control(ex: Exchange): Promise<void> {
    const send = (status: number, body: unknown) => {
      ex.res.writeHead(status, { 'content-type': 'application/json' });
      ex.res.end(JSON.stringify(body));
    };
    const json = ex.body.length ? (JSON.parse(ex.body.toString('utf8')) as Record<string, unknown>) : {};
    switch (`${ex.req.method} ${ex.url.pathname}`) {
      case 'GET /__aws/calls':
        return send(200, calls);
      case 'GET /__aws/keys':
        return send(200, [...sts.keys.values()]);
      case 'POST /__aws/faults':
        emulator.addFaults(json.rules as FaultRule[]);
        return send(200, { faults: faults.length });
      case 'DELETE /__aws/faults':
        faults = [];
        return send(200, { faults: 0 });
      case 'POST /__aws/sts/short-lived':
        sts.faults.shortLived = json as { seconds: number; times: number };
        return send(200, {});
      case 'POST /__aws/keys/expire': {
        const key = sts.keys.get(String(json.accessKeyId));
        if (key) sts.keys.set(key.accessKeyId, { ...key, expiration: new Date(Date.now() - 1000) });
        return send(key ? 200 : 404, {});
      }
      case 'POST /__aws/keys/mint':
        return send(200, sts.mintKey(String(json.roleArn ?? 'arn:aws:iam::123456789012:role/HarnessAdmin'), String(json.sessionName ?? 'harness')));
      case 'POST /__aws/cloudwatch/denied':
        cloudwatch.denied = (json.actions as string[]) ?? [];
        return send(200, {});
      case 'POST /__aws/sso/login':
        sso.queueLogin(json as SsoLoginDecision);
        return send(200, {});
      case 'POST /__aws/sso/device':
        return send(sso.approveDevice(String(json.userCode), (json.decision as SsoLoginDecision) ?? { action: 'login', user: String(json.user) }) ? 200 : 404, {});
      case 'POST /__aws/sso/registrations-expired':
        sso.registrationsExpired = json.expired !== false;
        return send(200, {});
      case 'POST /__aws/sso/revoke':
        sso.revokeAll();
        return send(200, {});
      case 'GET /__aws/sso/issued':
        return send(200, sso.issued());
      case 'POST /__aws/quota/policies':
        quota.policies = (json.policies as typeof quota.policies) ?? {};
        return send(200, {});
      case 'POST /__aws/bedrock/switches':
        bedrock.switches = { notEntitled: [], noAgreement: [], denied: [], ...(json as Partial<BedrockSwitches>) };
        return send(200, bedrock.switches);
      case 'POST /__aws/bedrock/reply':
        bedrock.reply = String(json.text);
        return send(200, {});
      case 'POST /__aws/bedrock/usage':
        bedrock.usage = (json.usage as BedrockService['usage']) ?? undefined;
        return send(200, {});
      case 'POST /__aws/clock':
        sts.clockSkewMs = Number(json.skewSeconds ?? 0) * 1000;
        return send(200, {});
      case 'GET /__aws/held':
        return send(200, { held: held.size, hung: hung.size });
      case 'POST /__aws/release':
        return send(200, { released: releaseHeld() });
      case 'POST /__aws/reset':
        emulator.reset();
        return send(200, {});
      default:
        return send(404, { error: 'no such control' });
    }
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const requestId = newRequestId();
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = await readBody(req);
        const ex: Exchange = { req, res, url, body, requestId };
        if (url.pathname.startsWith('/__aws/')) return await control(ex);
        const contentType = String(req.headers['content-type'] ?? '');
        if (req.method === 'POST' && url.pathname === '/' && contentType.startsWith('application/x-www-form-urlencoded')) {
          return await handleQuery(ex);
        }
        const target = req.headers['x-amz-target'];
        if (req.method === 'POST' && url.pathname === '/' && typeof target === 'string' && target.startsWith('AWSCognitoIdentityService.')) return await handleCognito(ex, target);
        if (req.method === 'POST' && url.pathname === '/' && typeof target === 'string') return await handleJson(ex, target);
        if (req.method === 'GET' && url.pathname === '/quota/check') return await handleQuota(ex);
        const identityCenter = ssoRoute(req.method ?? 'GET', url.pathname);
        if (identityCenter) return await handleSso(ex, identityCenter);
        const route = bedrockRoute(req.method ?? 'GET', url.pathname);
        if (route) return await handleBedrock(ex, route);
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify({ message: `No emulated AWS operation at ${req.method} ${url.pathname}` }));
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`emulator error: ${(error as Error).message}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const emulator: Emulator = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    sts,
    bedrock,
    cloudwatch,
    cognito,
    sso,
    quota,
    calls,
    addFaults(rules) {
      faults.push(...rules.map((r) => ({ ...r, times: r.times ?? 1 })));
    },
    reset() {
      faults = [];
      releaseHeld();
      for (const res of hung) res.destroy();
      hung.clear();
      calls.length = 0;
      sts.faults = {};
      sts.clockSkewMs = 0;
      bedrock.reply = new BedrockService().reply;
      bedrock.usage = undefined;
      bedrock.switches = { notEntitled: [], noAgreement: [], denied: [] };
      cloudwatch.datapoints.length = 0;
      cloudwatch.denied = [];
      quota.policies = {};
      cognito.reset();
      sso.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return emulator;
}
