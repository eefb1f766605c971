/** The state table's shape, in one place: the CDK app creates it, tests create it in dynalite. */
export const STATE_TABLE_KEY = { partition: 'pk', sort: 'sk' } as const;
export const STATE_TABLE_TTL_ATTRIBUTE = 'ttl';
