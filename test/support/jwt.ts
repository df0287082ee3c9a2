import { createHmac } from 'node:crypto';

/** One base64url-encoded JSON part of a JWT. */
export const jwtPart = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT whose header and payload are exactly as given, HS256-signed with `secret` over those bytes. */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | Buffer,
): string {
  const input = `${jwtPart(header)}.${jwtPart(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A JWT with the given header and payload and the given (possibly empty) signature part. */
export function rawJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = '') {
  return `${jwtPart(header)}.${jwtPart(payload)}.${signature}`;
}
