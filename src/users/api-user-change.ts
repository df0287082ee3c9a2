import type { ApiTokenIssuer, PlannedApiToken } from './api-token-issuer.js';
import type { UserChanges, UserRecord } from './user-record.js';

/** The fields whose before and after go into a `user.updated` entry. */
export type AuditedField = 'role' | 'email' | 'isActive' | 'isApiUser' | 'apiTokenTtlDays';

export interface ApiUserChange {
  changes: UserChanges;
  audited: [field: AuditedField, from: unknown, to: unknown][];
  /** Issued by a conversion to an API user, shown once in the answer. */
  token?: PlannedApiToken;
  /** A conversion to an API user ends the user's sessions: an API user cannot log in. */
  endsSessions: boolean;
}

/** What turning a user into an API user or back, or a new token lifetime, changes. */
export function apiUserChange(
  user: UserRecord,
  isApiUser: boolean,
  ttlDays: number | undefined,
  tokens: ApiTokenIssuer,
): ApiUserChange {
  if (isApiUser && !user.isApiUser) {
    const token = tokens.plan(ttlDays!);
    return {
      changes: {
        isApiUser: true,
        apiTokenTtlDays: ttlDays,
        apiTokenId: token.tokenId,
        apiTokenExpiresAt: token.expiresAt,
        passwordHash: null,
        mustChangePassword: false,
      },
      audited: [
        ['isApiUser', false, true],
        ['apiTokenTtlDays', user.apiTokenTtlDays, ttlDays],
      ],
      token,
      endsSessions: true,
    };
  }
  if (!isApiUser && user.isApiUser) {
    // The token is revoked for good; the user has no password until an administrator resets one.
    return {
      changes: { isApiUser: false, apiTokenTtlDays: null, apiTokenId: null, apiTokenExpiresAt: null },
      audited: [
        ['isApiUser', true, false],
        ['apiTokenTtlDays', user.apiTokenTtlDays, null],
      ],
      endsSessions: false,
    };
  }
  if (isApiUser && ttlDays !== undefined && ttlDays !== user.apiTokenTtlDays) {
    // Applies from the next token: the current one keeps the expiry it was issued with.
    return {
      changes: { apiTokenTtlDays: ttlDays },
      audited: [['apiTokenTtlDays', user.apiTokenTtlDays, ttlDays]],
      endsSessions: false,
    };
  }
  return { changes: {}, audited: [], endsSessions: false };
}
