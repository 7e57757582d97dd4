// A machine signed in to the organisation's Claude apps gateway, for the integration tests: the
// real gateway (gateway.ts: a private PostgreSQL cluster, an IdP of its own, the tests' AWS
// emulator as its Bedrock upstream), alice signed in through its device flow, and the session
// stored where Claude Code keeps it in the given home. Runs as a process of its own, started by
// the test; prints one JSON line when ready, and stops everything it started on SIGTERM.
//
//   node out/test/support/gatewayFixture.mjs <home> <aws emulator endpoint>
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gatewayIdpClient, startGateway } from './gateway';
import { deviceSignIn, writeGatewaySession } from './gatewaySignIn';
import { startIdp } from './idp';
import { REGION } from './world';

const [home, awsEndpoint] = process.argv.slice(2);
const dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-fixture-'));
const client = gatewayIdpClient();
const idp = await startIdp({ serverClients: [client] });
const stops: (() => Promise<void>)[] = [() => idp.close()];
const stop = async (code: number) => {
  for (const s of stops) await s().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};
process.once('SIGTERM', () => void stop(0));
try {
  const mint = await fetch(`${awsEndpoint}/__aws/keys/mint`, { method: 'POST', body: JSON.stringify({ sessionName: 'claude-gateway' }) });
  const minted = (await mint.json()) as { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  const gateway = await startGateway({ dir, idp: { issuer: idp.issuer, clientId: client.client_id, clientSecret: client.client_secret }, bedrock: { endpoint: awsEndpoint, region: REGION, ...minted } });
  stops.unshift(() => gateway.stop());
  idp.queueLogin({ action: 'login', user: 'alice' });
  const tokens = await deviceSignIn(gateway.url);
  const credentials = writeGatewaySession(path.join(home, '.claude'), gateway.url, tokens);
  process.stdout.write(`${JSON.stringify({ url: gateway.url, credentials, gatewayKey: minted.accessKeyId })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stop(1);
}
