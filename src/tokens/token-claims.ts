/** Claims of an interactive session's token. No role or permission: those are read per request. */
export interface SessionClaims {
  sub: string;
  sid: string;
  typ: 'session';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

/** Claims of an API user's token; `exp` is absent for tokens that never expire. */
export interface ApiTokenClaims {
  sub: string;
  jti: string;
  typ: 'api';
  iss: string;
  aud: string;
  iat: number;
  exp?: number;
}

export type TokenClaims = SessionClaims | ApiTokenClaims;

/** JOSE header parameters that point at keys elsewhere; a token carrying one is refused, and nothing is fetched. */
export const FORBIDDEN_HEADER_PARAMS = [
  'jku',
  'jwk',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'kid',
  'crit',
] as const;
