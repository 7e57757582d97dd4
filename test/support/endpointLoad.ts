// Run inside a VS Code terminal by the benchmark: asks the terminal's credentials endpoint
// (AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN) for keys from 50
// clients at once, many rounds, and writes the latencies' percentiles to the file named.
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';

const [out, roundsArg] = process.argv.slice(2);
const uri = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '');
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '';
const CLIENTS = 50;
const rounds = Number(roundsArg ?? 40);
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

function once(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get({ host: uri.hostname, port: uri.port, path: uri.pathname, headers: { authorization: token }, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

const latencies: number[] = [];
await Promise.all(Array.from({ length: CLIENTS }, () => once())); // warm-up: connections open
for (let r = 0; r < rounds; r++) latencies.push(...(await Promise.all(Array.from({ length: CLIENTS }, () => once()))));
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
writeFileSync(out, JSON.stringify({ requests: latencies.length, clients: CLIENTS, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] }));
agent.destroy();
