// Loads the bundles activation does not: the extension's body (main.js) right after activation,
// and the heavy ones (openid-client, the AWS SDK clients) on first use.
//
// esbuild.mjs builds each of them as its own file beside dist/extension.js. Types come from the
// sources, values from the built files.
import * as path from 'node:path';
import type * as OidcModule from './auth/oidc';
import type * as StsModule from './aws/sts';
import type * as BedrockModule from './aws/bedrock';
import type * as CloudWatchModule from './aws/cloudwatch';
import type * as MainModule from './main';

function load<T>(name: string): T {
  // A computed path, so esbuild leaves this require to run time instead of bundling the module.
  return require(path.join(__dirname, `${name}.js`)) as T;
}

export const loadMain = (): typeof MainModule => load<typeof MainModule>('main');
export const loadOidc = (): typeof OidcModule => load<typeof OidcModule>('oidc');
export const loadSts = (): typeof StsModule => load<typeof StsModule>('sts');
export const loadBedrock = (): typeof BedrockModule => load<typeof BedrockModule>('bedrock');
export const loadCloudWatch = (): typeof CloudWatchModule => load<typeof CloudWatchModule>('cloudwatch');
