// Patterns several settings share. Pure.

/** An AWS region, as settings spell it. */
export const REGION = { pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', example: 'an AWS region like us-east-1' };
