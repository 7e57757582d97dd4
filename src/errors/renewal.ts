// What a renewal that failed says. A failure worth trying again (throttled, slow, a server
// error, an answer that could not be read) leaves the session as it is: renewal tries again by
// itself, and the keys held work until they expire. So its sentence says that, and when the keys
// run out, instead of the sign-in's "sign in again", and it offers no Sign In. A failure that
// needs a new sign-in keeps its own sentence. Pure.
import { Failure, SHOW_LOG, unexpected } from './failure';
import { clockTime } from '../util/clock';

/** `error` from renewing a session whose keys expire at `keysExpireAt` (epoch ms), seen at `now`. */
export function renewalFailure(error: unknown, keysExpireAt: number, now: number): Failure {
  const failure = unexpected(error);
  if (!failure.transient) return failure;
  const what = failure.what ?? 'something unexpected happened (the log says what)';
  const keys =
    keysExpireAt > now
      ? `You are still signed in: the current AWS keys work until ${clockTime(keysExpireAt)}, and renewal tries again by itself.`
      : `You are still signed in, but the AWS keys ran out at ${clockTime(keysExpireAt)}: Claude Code gets new ones as soon as renewal, which tries again by itself, gets through.`;
  return new Failure(failure.kind, `Your AWS keys could not be renewed just now: ${what}. ${keys}`, [SHOW_LOG], { cause: failure.cause ?? error, code: failure.code, what: failure.what });
}
