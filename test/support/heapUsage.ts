// The JS heap of a Node process that listens for an inspector (a VS Code extension host started
// with `inspect-extensions`), after full garbage collections, and its resident memory. Run with
// Node 24 (it has WebSocket):  node heapUsage.mjs <inspector port> [collections]  -> JSON on stdout.
import { readFileSync } from 'node:fs';

const port = process.argv[2];
const collections = Number(process.argv[3] ?? 3);
const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});
const pending = new Map<number, (result: Record<string, unknown>) => void>();
socket.onmessage = (event) => {
  const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown> };
  if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
};
let next = 0;
function call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const id = ++next;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
}
await call('HeapProfiler.enable');
for (let i = 0; i < collections; i++) await call('HeapProfiler.collectGarbage');
const heap = await call('Runtime.getHeapUsage');
const pid = (await call('Runtime.evaluate', { expression: 'process.pid', returnByValue: true })) as { result?: { value?: number } };
const status = pid.result?.value ? readFileSync(`/proc/${pid.result.value}/status`, 'utf8') : '';
const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
socket.close();
process.stdout.write(`${JSON.stringify({ heapUsedBytes: heap.usedSize, rssBytes: rssKb * 1024 })}\n`);
