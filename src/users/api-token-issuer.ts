import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { TokenService } from '../tokens/token.service.js';
import { apiTokenExpiry } from './api-token-status.js';

/** What is stored of an API token: its id (`jti`) and expiry, never the token. */
export interface PlannedApiToken {
  tokenId: string;
  expiresAt: Date | null;
}

/**
 * API tokens are planned first (id and expiry, stored with the user), and
 * signed once the user's id is known; the signed token is answered once.
 */
@Injectable()
export class ApiTokenIssuer {
  constructor(
    private readonly tokens: TokenService,
    private readonly clock: Clock,
  ) {}

  plan(ttlDays: number): PlannedApiToken {
    return { tokenId: randomUUID(), expiresAt: apiTokenExpiry(ttlDays, this.clock.now()) };
  }

  sign(userId: number, planned: PlannedApiToken): string {
    return this.tokens.signApiToken(userId, planned.tokenId, planned.expiresAt);
  }
}
