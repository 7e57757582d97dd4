// Asking the windows from outside VS Code: the credentials helper connects to the hub as a
// client (it never hosts one), asks one question, and leaves. Pure Node.
import { CallError } from './channel';
import { readHubAddress } from './place';
import { callError, connectTo, helloProof, newNonce, proofHolds, readMessages, send, welcomeProof } from './wire';

export { CallError } from './channel';

/** Asks a VS Code window that serves `name`, through the hub of the windows in `storageDir`; fails with a CallError. */
export async function askWindows(storageDir: string, name: string, payload: unknown, timeoutMs: number): Promise<unknown> {
  const found = await readHubAddress(storageDir);
  const socket = found && (await connectTo(found.address));
  if (!found || !socket) throw new CallError('notRunning', 'No VS Code window with Claude Code on Amazon Bedrock is running.');
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      action();
    };
    const timer = setTimeout(() => finish(() => reject(new CallError('timeout', `VS Code did not answer within ${Math.round(timeoutMs / 1000)} s.`))), timeoutMs);
    socket.on('error', () => undefined);
    socket.on('close', () => finish(() => reject(new CallError('notRunning', 'The VS Code window that was asked closed before it answered.'))));
    const nonce = newNonce();
    let welcomed = false;
    readMessages(socket, (message) => {
      if (!welcomed) {
        // The question goes only to a hub that proves it knows the key: whatever answers at a
        // stale address gets nothing, and its answers are not believed.
        const proven = message.t === 'welcome' && proofHolds(message.proof, welcomeProof(found.key, found.address, nonce, message.nonce));
        if (!proven) return finish(() => reject(new CallError('notRunning', 'Something answered at the address of the VS Code windows without proving it is one of them.')));
        welcomed = true;
        return send(socket, { t: 'req', name, req: 1, payload });
      }
      if (message.t !== 'answer' || message.req !== 1) return;
      const error = callError(message);
      finish(() => (error ? reject(error) : resolve(message.value)));
    });
    send(socket, { t: 'hello', nonce, proof: helloProof(found.key, found.address, nonce), role: 'client' });
  });
}
