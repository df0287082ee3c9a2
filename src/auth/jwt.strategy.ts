import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthContext } from '../common/auth/auth-context.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { InvalidTokenError } from './auth.errors.js';
import { AuthStateService } from './auth-state.service.js';
import { FORBIDDEN_HEADER_PARAMS, type TokenClaims } from '../tokens/token-claims.js';

interface CompleteToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Structural check of the claims of each token type (RFC 8725 §3.11-3.12: one type never passes for the other). */
export function parseClaims(token: CompleteToken): TokenClaims {
  const invalid = () => new InvalidTokenError();
  const { header, payload } = token;
  if (header.alg !== 'HS256') throw invalid();
  if (FORBIDDEN_HEADER_PARAMS.some((p) => p in header)) throw invalid();
  if (typeof payload.sub !== 'string' || !/^[1-9]\d{0,9}$/.test(payload.sub)) throw invalid();
  if (typeof payload.iat !== 'number') throw invalid();
  if (payload.typ === 'session') {
    if ('jti' in payload || typeof payload.sid !== 'string' || !UUID.test(payload.sid)) throw invalid();
    if (typeof payload.exp !== 'number') throw invalid();
    return payload as unknown as TokenClaims;
  }
  if (payload.typ === 'api') {
    if ('sid' in payload || typeof payload.jti !== 'string' || !UUID.test(payload.jti)) throw invalid();
    return payload as unknown as TokenClaims;
  }
  throw invalid();
}

/** Bearer header only (never a query string), HS256 only, issuer and audience checked. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(IAM_OPTIONS) options: IamOptions,
    private readonly authState: AuthStateService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: options.jwt.secret as unknown as string,
      algorithms: ['HS256'],
      issuer: options.jwt.issuer,
      audience: options.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { complete: true },
    });
  }

  validate(token: CompleteToken): Promise<AuthContext> {
    return this.authState.resolve(parseClaims(token));
  }
}
