import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';

/**
 * Signs the two kinds of token with the one HS256 key. Verification happens
 * in the passport strategy, with the same key, algorithm, issuer and audience.
 */
@Injectable()
export class TokenService {
  constructor(@Inject(IAM_OPTIONS) private readonly options: IamOptions) {}

  // jsonwebtoken counts `exp` from its own reading of the real time, so each lifetime is given relative to
  // that time: the signature expires when the stored expiry says, whatever the service's clock shows.
  signSession(userId: number, sessionId: string, expiresAt: Date): string {
    return jwt.sign({ sid: sessionId, typ: 'session' }, this.options.jwt.secret, {
      algorithm: 'HS256',
      subject: String(userId),
      issuer: this.options.jwt.issuer,
      audience: this.options.jwt.audience,
      expiresIn: Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
    });
  }

  /** expiresAt null: a token that never expires (apiTokenTtlDays -1). */
  signApiToken(userId: number, tokenId: string, expiresAt: Date | null): string {
    return jwt.sign({ typ: 'api' }, this.options.jwt.secret, {
      algorithm: 'HS256',
      subject: String(userId),
      jwtid: tokenId,
      issuer: this.options.jwt.issuer,
      audience: this.options.jwt.audience,
      ...(expiresAt ? { expiresIn: Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000)) } : {}),
    });
  }
}
