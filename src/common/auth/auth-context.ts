/**
 * Who is calling, as the authentication step established it for this request
 * from the cache or the database; never from the token's claims alone.
 */
export interface AuthContext {
  userId: number;
  username: string;
  roleName: string;
  /** Effective permissions of the caller's role, read on this request. */
  permissions: ReadonlySet<string>;
  /** How the caller authenticated: an interactive session or an API user's token. */
  kind: 'session' | 'api';
  /** The session id (`sid`) for session tokens. */
  sessionId?: string;
  /** The API token id (`jti`) for API tokens. */
  tokenId?: string;
  mustChangePassword: boolean;
  /** The role requires a second factor and the user has none: the session may only enrol. */
  mfaEnrollmentRequired?: boolean;
}

/** Request metadata kept with audit entries and sessions. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Who makes a change, and from where: every change of a user is audited with both. */
export interface Actor {
  auth: AuthContext;
  client: ClientInfo;
}

/** Passport's convention: the authenticated caller is `request.user`. */
export interface RequestWithAuth {
  user?: AuthContext;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  method?: string;
  url?: string;
  id?: string;
}
