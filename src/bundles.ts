// The bundles activation does not load: openid-client, the AWS SDK clients, and Cognito Identity's, each its own
// file beside dist/extension.js (esbuild.mjs), loaded on first use. Only main.ts reads this:
// everything else is handed the loaders it needs.
import * as path from 'node:path';
import type * as AwsModule from './aws/index';
import type * as CognitoModule from './aws/cognito';
import type * as SsoModule from './aws/sso';
import type * as OidcModule from './idp/oidc';

function load<T>(name: string): () => T {
  // A computed path, so esbuild leaves this require to run time instead of bundling the module.
  return () => require(path.join(__dirname, `${name}.js`)) as T;
}

export const loadOidc = load<typeof OidcModule>('oidc');
export const loadAws = load<typeof AwsModule>('aws');
/** Only organisations that federate through a Cognito identity pool load this one. */
export const loadCognito = load<typeof CognitoModule>('cognito');
/** Only organisations on IAM Identity Center load this one. */
export const loadSso = load<typeof SsoModule>('sso');
