// Run inside a VS Code terminal by the benchmark: the flood another OS user could send the
// terminal's credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI): `count` TCP connections
// that never send a request, opened as fast as they are accepted, while this terminal asks for its
// keys (AWS_CONTAINER_AUTHORIZATION_TOKEN) every 100 ms, and for 5 s (the endpoint's idle deadline
// and more) after the last. Writes what it saw to the file named: how many connections it opened,
// how many it held at once at most and at the end, and how the terminal's own requests fared. (A
// connection the kernel completed while the endpoint's listen queue was full, and dropped, stays
// open on this side until it writes: the extension host's own count, taken by the benchmark,
// says what the endpoint holds.)
//   node endpointFlood.mjs <out.json> <count>
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';

const [out, countArg] = process.argv.slice(2);
const uri = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '');
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '';
const count = Number(countArg);
/** Connections being made at once: more would only overflow the listen queue and wait for SYN retries. */
const IN_FLIGHT = 500;
/** How long to go on after the last connection: the endpoint's idle deadline (2 s) and more. */
const AFTER_MS = 5_000;

let opened = 0;
let failed = 0;
let open = 0;
let peakOpen = 0;
let started = 0;

function connectOne(): Promise<void> {
  return new Promise((settle) => {
    const socket = net.connect(Number(uri.port), uri.hostname);
    let connected = false;
    socket.on('connect', () => {
      connected = true;
      opened++;
      open++;
      peakOpen = Math.max(peakOpen, open);
      settle();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (connected) open--;
      else {
        failed++;
        settle();
      }
    });
  });
}

const probes: { status: number; ms: number }[] = [];
function probe(): void {
  const at = performance.now();
  const req = http.get({ host: uri.hostname, port: uri.port, path: uri.pathname, headers: { authorization: token, connection: 'close' }, agent: false }, (res) => {
    res.resume();
    res.on('end', () => probes.push({ status: res.statusCode ?? 0, ms: performance.now() - at }));
  });
  req.setTimeout(10_000, () => req.destroy());
  req.on('error', () => probes.push({ status: 0, ms: performance.now() - at }));
}

const prober = setInterval(probe, 100);
started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) {
      next++;
      await connectOne();
    }
  }),
);
const floodMs = performance.now() - started;
const openAfterFlood = open;
await new Promise((r) => setTimeout(r, AFTER_MS));
clearInterval(prober);
await new Promise((r) => setTimeout(r, 500));

const times = probes.filter((p) => p.status === 200).map((p) => p.ms).sort((a, b) => a - b);
writeFileSync(
  out,
  JSON.stringify({
    attempted: count,
    opened,
    failed,
    floodMs: Math.round(floodMs),
    peakHeldByFlooder: peakOpen,
    heldAfterFlood: openAfterFlood,
    heldAfterDeadline: open,
    afterMs: AFTER_MS,
    probes: { sent: probes.length, ok: times.length, p50: times[Math.floor(times.length / 2)] ?? null, max: times[times.length - 1] ?? null },
  }),
);
process.exit(0);
