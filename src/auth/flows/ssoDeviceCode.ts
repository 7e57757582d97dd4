// IAM Identity Center without the loopback redirect: the device code (as `aws sso login
// --use-device-code`). The user sees a code in VS Code, copies it and opens the portal's page in
// any browser; meanwhile the flow asks Identity Center for the tokens at the pace it sets, until
// the user allows the request, declines it, the code expires, or they cancel.
//
//   StartDeviceAuthorization -> show the code (Copy, open the page) -> CreateToken every
//   interval (pending, slow down) -> tokens
//
// Which way a sign-in takes (`signInMethod`): the browser when it can come back to this
// computer's loopback port, else the code.
import type * as SsoModule from '../../aws/sso';
import { isLoopbackHost } from '../../config/rules';
import { awsErrorCode } from '../../errors/codes';
import { Failure, SIGN_IN } from '../../errors/failure';
import { cancelled, duration } from '../../errors/signIn';
import type { Log } from '../../log';
import type { Clock } from '../../util/clock';
import type { FlowRun } from './flow';

/** What the device code needs of the editor. */
export interface DeviceCodeUi {
  /**
   * Shows `userCode` and how to use it; true when the user goes on (the code copied and
   * `url` opened in their browser), false when they cancel.
   */
  present(userCode: string, url: string): Promise<boolean>;
}

/**
 * The way for this sign-in: the setting's, else the code when the loopback address reaches the
 * browser only through a host other than this computer (a tunnel, a remote host by name), or
 * not at all; the browser otherwise.
 */
export async function signInMethod(setting: 'auto' | 'browser' | 'deviceCode', loopback: string, reachable: (uri: string) => Promise<string>, log: Log): Promise<'browser' | 'deviceCode'> {
  if (setting !== 'auto') return setting;
  try {
    const external = await reachable(loopback);
    if (isLoopbackHost(new URL(external).hostname)) return 'browser';
    log.info(`This window's browser reaches ${loopback} as ${external}, not on its own computer: signing in with a code instead.`);
  } catch (error) {
    log.info(`VS Code cannot forward ${loopback} to this window's browser (${String(error)}): signing in with a code instead.`);
  }
  return 'deviceCode';
}

export interface DeviceCodeSignIn {
  readonly sso: typeof SsoModule;
  readonly target: SsoModule.SsoTarget;
  readonly registration: SsoModule.Registration;
  readonly startUrl: string;
  readonly run: FlowRun;
  readonly ui: DeviceCodeUi;
  /** Seconds the user has, at most (the code's own lifetime may be shorter). */
  readonly timeoutSeconds: number;
  readonly log: Log;
  readonly clock: Clock;
  /** Each call to Identity Center, its failures as sentences. */
  readonly call: <T>(work: () => Promise<T>) => Promise<T>;
}

/** Identity Center's tokens once the user allowed the request shown by its code. */
export async function deviceCodeTokens(o: DeviceCodeSignIn): Promise<SsoModule.SsoTokens> {
  const { sso, target, registration, run, clock, log } = o;
  const device = await o.call(() => sso.startDeviceAuthorization(target, registration, o.startUrl, clock.now()));
  log.info(`Signing in to IAM Identity Center with a code, at ${device.verificationUri}.`);
  run.progress(`Showing your sign-in code ${device.userCode}…`);
  if (!(await o.ui.present(device.userCode, device.verificationUriComplete))) throw cancelled();
  run.progress(`Allow the request with code ${device.userCode} in your browser (${device.verificationUri})…`);
  const deadline = Math.min(device.expiresAt, clock.now() + o.timeoutSeconds * 1000);
  let intervalMs = Math.max(1, device.intervalSeconds) * 1000;
  for (;;) {
    if (run.signal.aborted) throw cancelled();
    try {
      return await sso.createToken(target, registration, { grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }, clock.now());
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === 'SlowDown') intervalMs += 5000;
      else if (code === 'AccessDenied') throw declined(error);
      else if (code !== 'AuthorizationPending') return o.call(() => Promise.reject(error));
    }
    if (clock.now() + intervalMs >= deadline) throw expired(o.timeoutSeconds, device.expiresAt <= deadline);
    await pause(clock, intervalMs, run.signal);
  }
}

function declined(cause: unknown): Failure {
  return new Failure('denied', 'The request with your code was declined in the AWS access portal, so VS Code is not signed in. Sign in again and choose Allow there.', [SIGN_IN], { cause, code: 'AccessDeniedException' });
}

function expired(timeoutSeconds: number, codeExpired: boolean): Failure {
  const why = codeExpired ? 'the code expired before the request was allowed' : `the request was not allowed within ${duration(timeoutSeconds)}`;
  return new Failure('timeout', `Sign-in timed out: ${why}. Sign in again and allow the request in your browser.`, [SIGN_IN]);
}

function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(cancelled());
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
