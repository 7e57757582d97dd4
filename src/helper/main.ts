// The credentials helper Claude Code runs (awsCredentialExport, awsAuthRefresh,
// otelHeadersHelper in its settings), wherever it runs on this machine: the VS Code panel, or a
// `claude` in any terminal. It asks a VS Code window that holds the sign-in, over the windows'
// channel (src/windows/), and prints what Claude Code reads. It keeps nothing and writes nothing.
//
//   helper.js --storage <extension's global storage> export | refresh | otel-headers | environment-keys | statusline
//
// Run with VS Code's own runtime, through the launcher the extension writes at activation
// (src/claudeCode/launcher.ts): nothing else needs installing.
//
// Every sentence it prints may carry words from outside (a quota service's message, an identity
// provider's error, a user's name) and ends up in a terminal: each line is printed as plain text,
// without escape sequences or control characters (say), so no message can drive the terminal.
import { askWindows, CallError } from '../windows/client';
import { environmentKeys } from './environmentKeys';
import { noAnswerText, readStatusLineAnswer, statusLineText, type NoAnswer } from './statusLine';
import { CALLS, type CredentialsAnswer, type OtelHeadersAnswer, type SignInAnswer, type StatusAnswer } from '../claudeCode/protocol';
import { terminalText } from '../util/text';

const NAME = 'Claude Code on Amazon Bedrock';
const NOT_RUNNING = `${NAME}: VS Code is not running, so there are no AWS credentials for Claude Code. Open VS Code and sign in there (Claude Bedrock: Sign In), then start Claude Code again.`;
/** While the windows move their hub from a window that closed to another, ask again for this long. */
const MOVING_MS = 300;
/**
 * A sign-in waits for the user in the browser. Claude Code ends awsAuthRefresh after 3 minutes
 * with words of its own; the helper stops a little earlier and says what to do in its own.
 */
const SIGN_IN_WAIT_MS = 170_000;
/** How long the status line waits for a window: Claude Code runs it often, and waits for its line. */
const STATUS_LINE_WAIT_MS = 1_000;
const STILL_WAITING = `${NAME}: the sign-in in your browser is not finished yet. Finish it there (VS Code keeps waiting for it), then send your message to Claude Code again.`;

async function ask(storage: string, name: string, timeoutMs: number, payload: unknown = null): Promise<unknown> {
  const until = Date.now() + MOVING_MS;
  for (;;) {
    try {
      return await askWindows(storage, name, payload, timeoutMs);
    } catch (error) {
      if (!(error instanceof CallError) || error.code !== 'notRunning' || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** One line of text for Claude Code (stdout) or its Sign-in box (stderr, shown marked ✘). */
function say(stream: NodeJS.WriteStream, line: string): void {
  stream.write(`${terminalText(line)}\n`);
}

function sentence(error: unknown): string {
  if (error instanceof CallError && (error.code === 'notRunning' || error.code === 'noServer')) return NOT_RUNNING;
  if (error instanceof CallError && error.code === 'timeout') return `${NAME}: VS Code did not answer in time. Make sure VS Code is responding, then start Claude Code again.`;
  return `${NAME}: ${error instanceof Error ? error.message : String(error)}`;
}

function noAnswer(error: unknown): NoAnswer {
  if (error instanceof CallError && (error.code === 'notRunning' || error.code === 'noServer')) return 'notRunning';
  return error instanceof CallError && error.code === 'timeout' ? 'timeout' : 'unreadable';
}

/**
 * `statusline`: Claude Code's status line. One line on stdout and exit 0 whatever happens: Claude
 * Code shows a status line's stdout, and an error on stderr or a failing exit would only be noise
 * there. Claude Code writes its session as JSON on stdin; nothing of it is needed, so it is read
 * away (its write never blocks) and never waited for. No retry while the windows move their hub:
 * the next run, a moment later, finds the new one.
 */
function statusLine(storage: string | undefined): void {
  let printed = false;
  const print = (line: string) => {
    if (printed) return;
    printed = true;
    process.stdout.write(`${line}\n`, () => process.exit(0));
  };
  process.exitCode = 0;
  process.on('uncaughtException', () => print(noAnswerText('unreadable')));
  process.stdout.on('error', () => process.exit(0));
  process.stdin.on('error', () => undefined);
  process.stdin.resume();
  // Also when connecting to the windows itself hangs.
  setTimeout(() => print(noAnswerText('timeout')), STATUS_LINE_WAIT_MS + 300).unref();
  if (!storage) return print(noAnswerText('unreadable'));
  askWindows(storage, CALLS.statusLine, null, STATUS_LINE_WAIT_MS).then(
    (value) => {
      const answer = readStatusLineAnswer(value);
      print(answer ? statusLineText(answer) : noAnswerText('unreadable'));
    },
    (error: unknown) => print(noAnswerText(noAnswer(error))),
  );
}

async function run(storage: string, command: string): Promise<number> {
  switch (command) {
    case 'environment-keys': {
      const keys = environmentKeys(process.env);
      if (!keys) {
        say(process.stderr, `${NAME}: this terminal has no AWS keys in its environment. Open a new terminal in VS Code, signed in.`);
        return 1;
      }
      process.stdout.write(`${keys}\n`);
      return 0;
    }
    case 'export': {
      const answer = (await ask(storage, CALLS.credentials, 30_000)) as CredentialsAnswer;
      if ('none' in answer) {
        say(process.stderr, `${NAME}: ${answer.none}`);
        return 1;
      }
      process.stdout.write(`${JSON.stringify({ Credentials: answer.keys })}\n`);
      return 0;
    }
    case 'refresh': {
      // On the way of every start of Claude Code: at once, and silent, when the keys are ready.
      const status = (await ask(storage, CALLS.status, 10_000)) as StatusAnswer;
      if (status.ready) return 0;
      if (status.blocked) {
        say(process.stderr, `${NAME}: ${status.why}`);
        return 1;
      }
      // Claude Code shows awsAuthRefresh's stdout in its Sign-in box, and its stderr there marked ✘.
      say(process.stdout, `${NAME}: ${status.why} Signing in through VS Code; finish in your browser if it opens…`);
      const result = await ask(storage, CALLS.signIn, SIGN_IN_WAIT_MS).then(
        (answer) => answer as SignInAnswer,
        (error: unknown) => {
          if (error instanceof CallError && error.code === 'timeout') return { ok: false, why: STILL_WAITING } as const;
          throw error;
        },
      );
      if (result.ok) say(process.stdout, `${NAME}: signed in as ${result.who}.`);
      else say(process.stderr, `${result.why.startsWith(NAME) ? '' : `${NAME}: `}${result.why}`);
      return result.ok ? 0 : 1;
    }
    case 'otel-headers': {
      const answer = (await ask(storage, CALLS.otelHeaders, 10_000)) as OtelHeadersAnswer;
      process.stdout.write(`${JSON.stringify(answer.headers)}\n`);
      return 0;
    }
    default:
      say(process.stderr, `${NAME}: unknown command "${command}". Use export, refresh, otel-headers, environment-keys or statusline.`);
      return 2;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--storage');
  const storage = at >= 0 ? args[at + 1] : undefined;
  const command = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--storage') ?? '';
  if (command === 'statusline') return statusLine(storage);
  if (!storage) {
    say(process.stderr, `${NAME}: the helper was started without --storage; connect Claude Code again from VS Code (Claude Bedrock: Connect Claude Code).`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = await run(storage, command);
  } catch (error) {
    // On stderr: Claude Code shows awsAuthRefresh's there (✘ in its Sign-in box) and keeps
    // awsCredentialExport's stdout for the keys alone.
    say(process.stderr, sentence(error));
    process.exitCode = 1;
  }
}

void main();
