// Proves the gateway harness end to end, outside the test runners (start-up takes seconds):
//   node esbuild.mjs --tests && node out/test/support/gatewaySmoke.mjs
// Starts the test IdP, the AWS emulator, PostgreSQL and the real Claude apps gateway; prints the
// gateway's discovery issuer; stops everything. Exits non-zero on the first thing that fails.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from './aws/emulator';
import { gatewayIdpClient, startGateway } from './gateway';
import { startIdp } from './idp';
import { REGION } from './world';

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gateway-smoke-'));
  const started = Date.now();
  const client = gatewayIdpClient();
  const idp = await startIdp({ serverClients: [client] });
  const aws = await startEmulator({ providers: [], roles: [] });
  const stops: (() => Promise<void>)[] = [() => aws.close(), () => idp.close()];
  try {
    // The upstream credential the gateway holds: keys the emulator's STS issued.
    const minted = (await (await fetch(`${aws.endpoint}/__aws/keys/mint`, { method: 'POST', body: JSON.stringify({ sessionName: 'claude-gateway' }) })).json()) as {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
    };
    const gateway = await startGateway({
      dir,
      idp: { issuer: idp.issuer, clientId: client.client_id, clientSecret: client.client_secret },
      bedrock: { endpoint: aws.endpoint, region: REGION, ...minted },
    });
    stops.unshift(() => gateway.stop());
    const discovery = (await (await fetch(`${gateway.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    console.log(`gateway ${gateway.url} ready in ${Date.now() - started} ms (initdb ${gateway.timings.initdb} ms, postgres ${gateway.timings.postgres} ms, gateway ${gateway.timings.gateway} ms)`);
    console.log(`discovery issuer: ${String(discovery.issuer)}`);
    console.log(`device_authorization_endpoint: ${String(discovery.device_authorization_endpoint)}`);
    if (process.argv.includes('--hold')) {
      // For trying things by hand: keep everything up until Ctrl-C (or SIGTERM to this PID).
      console.log(`holding: idp ${idp.issuer} aws ${aws.endpoint} dir ${dir} (pid ${process.pid})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => console.error(`stop: ${String(error)}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : String(error));
    process.exit(1);
  },
);
