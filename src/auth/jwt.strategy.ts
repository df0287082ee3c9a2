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

/** Verified tokens kept per process; past it, the oldest are dropped. */
const VERIFIED_MAX = 10_000;

/**
 * Tokens whose signature, issuer, audience and claims passed here, with their claims. A token's text
 * cannot change without breaking its signature, so a caller's next request with the same text needs no
 * second HMAC and parse; only the expiry is checked again. Who the caller is now (revoked, deactivated,
 * role) is read on every request all the same.
 *
 * Found by the signature segment, a sixth of the text: a lookup hashes its key, and a request's header
 * is a new string each time. A hit counts only when the whole text is the same, so a token is never
 * taken for another that shares its signature.
 */
class VerifiedTokens {
  private readonly tokens = new Map<string, { text: string; claims: TokenClaims; expiresAtMs: number }>();

  get(text: string, nowMs: number): TokenClaims | undefined {
    const key = signatureOf(text);
    const known = this.tokens.get(key);
    if (!known || known.text !== text) return undefined;
    if (known.expiresAtMs <= nowMs) {
      // From here on the library answers it, with its own "expired".
      this.tokens.delete(key);
      return undefined;
    }
    return known.claims;
  }

  add(text: string, claims: TokenClaims): void {
    const exp = (claims as { exp?: unknown }).exp;
    // As jsonwebtoken judges it: expired from the second `exp` names.
    const expiresAtMs = typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY;
    const key = signatureOf(text);
    if (!this.tokens.has(key) && this.tokens.size >= VERIFIED_MAX) {
      this.tokens.delete(this.tokens.keys().next().value as string);
    }
    this.tokens.set(key, { text, claims, expiresAtMs });
  }
}

/** What follows the last dot: a compact JWS's signature. */
function signatureOf(text: string): string {
  return text.slice(text.lastIndexOf('.') + 1);
}

const libraryBearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/** What follows `Bearer ` (with one space) in the Authorization header, as it is; undefined otherwise. */
function afterBearer(req: Parameters<Strategy['authenticate']>[0]): string | undefined {
  const header = (req as { headers?: Record<string, unknown> }).headers?.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * The token of an `Authorization: Bearer <token>` header, as passport-jwt's extractor reads it; the
 * plain form (one space, no other whitespace) is read without its regular expression.
 */
function bearerToken(req: Parameters<Strategy['authenticate']>[0]): string | null {
  const text = afterBearer(req);
  return text && !/\s/.test(text) ? text : libraryBearerToken(req);
}

/** Bearer header only (never a query string), HS256 only, issuer and audience checked. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly verified = new VerifiedTokens();

  constructor(
    @Inject(IAM_OPTIONS) options: IamOptions,
    private readonly authState: AuthStateService,
  ) {
    super({
      jwtFromRequest: bearerToken,
      secretOrKey: options.jwt.secret as unknown as string,
      algorithms: ['HS256'],
      issuer: options.jwt.issuer,
      audience: options.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { complete: true },
      passReqToCallback: true,
    });
  }

  /**
   * The caller of a request whose token was verified here before, read as
   * `validate` reads it; undefined for any other token, which only passport
   * (and the library's verification) may judge.
   */
  knownCaller(req: Parameters<Strategy['authenticate']>[0]): AuthContext | Promise<AuthContext> | undefined {
    const now = Date.now();
    // A verified token's text has no whitespace, so the plain form is found without reading it further.
    const plain = afterBearer(req);
    let claims = plain ? this.verified.get(plain, now) : undefined;
    if (!claims) {
      const text = bearerToken(req);
      claims = text ? this.verified.get(text, now) : undefined;
    }
    return claims && this.authState.resolve(claims);
  }

  /** A token verified here before skips the library's verification; any other goes through it. */
  override authenticate(req: Parameters<Strategy['authenticate']>[0], options?: unknown): void {
    const known = this.knownCaller(req);
    if (!known) return super.authenticate(req, options);
    Promise.resolve(known).then(
      (caller) => this.success(caller),
      (err: Error) => this.error(err),
    );
  }

  async validate(req: Parameters<Strategy['authenticate']>[0], token: CompleteToken): Promise<AuthContext> {
    const claims = parseClaims(token);
    const text = bearerToken(req);
    if (text) this.verified.add(text, claims);
    return this.authState.resolve(claims);
  }
}
