// Who signed in, from the ID token's claims. Pure: no vscode here.

export interface Identity {
  readonly subject: string;
  readonly email: string | undefined;
  readonly name: string | undefined;
  readonly department: string | undefined;
  readonly groups: readonly string[];
  /** Claims the platform team's usage attribution reads (aws-guidance: x-team-id, x-cost-center). */
  readonly team?: string | undefined;
  readonly costCenter?: string | undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function identityFromClaims(claims: Readonly<Record<string, unknown>>): Identity {
  const groups = claims.groups;
  return {
    subject: String(claims.sub ?? ''),
    email: optionalString(claims.email),
    name: optionalString(claims.name) ?? optionalString(claims.preferred_username),
    department: optionalString(claims.department),
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : typeof groups === 'string' ? [groups] : [],
    team: optionalString(claims.team),
    costCenter: optionalString(claims.cost_center),
  };
}

/** What the user is shown of an identity: email, else name, else subject. */
export function displayName(identity: Identity): string {
  return identity.email ?? identity.name ?? identity.subject;
}
