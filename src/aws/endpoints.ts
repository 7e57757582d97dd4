// The regional public endpoints AWS services are reached at unless a setting names another
// (a VPC interface endpoint, a test endpoint). Pure.

function domain(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The STS endpoint a request goes to: the configured one, else the regional public endpoint. */
export function stsEndpointFor(region: string, endpoint: string | undefined): string {
  return endpoint || `https://sts.${region}.${domain(region)}`;
}

/** The Bedrock control-plane endpoint a region uses unless one is configured. */
export function bedrockControlEndpointFor(region: string, endpoint: string | undefined): string {
  return endpoint || `https://bedrock.${region}.${domain(region)}`;
}

/** The CloudWatch endpoint a region uses unless one is configured. */
export function cloudWatchEndpointFor(region: string, endpoint: string | undefined): string {
  return endpoint || `https://monitoring.${region}.${domain(region)}`;
}

/** The Cognito Identity endpoint a region uses unless one is configured. */
export function cognitoEndpointFor(region: string, endpoint: string | undefined): string {
  return endpoint || `https://cognito-identity.${region}.${domain(region)}`;
}

/** IAM Identity Center's OIDC endpoint in a region unless one is configured. */
export function ssoOidcEndpointFor(region: string, endpoint: string | undefined): string {
  return endpoint || `https://oidc.${region}.${domain(region)}`;
}

/** The AWS access portal's API endpoint in a region unless one is configured. */
export function ssoPortalEndpointFor(region: string, endpoint: string | undefined): string {
  return endpoint || `https://portal.sso.${region}.${domain(region)}`;
}
