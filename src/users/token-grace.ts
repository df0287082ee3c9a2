/** The longest grace, in hours, during which a regenerated API token's predecessor keeps working. */
export const GRACE_HOURS_MAX = 168;
