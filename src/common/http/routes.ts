/** Every route of the access-control API lives under this prefix. */
export const API_PREFIX = 'auth/api';
