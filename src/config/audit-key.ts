import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

// Fixed and public: they only keep this key apart from anything else derived from the same secret.
const HKDF_SALT = 'champa-iam';
const HKDF_INFO = 'audit-chain hmac-sha256 v1';

/**
 * The chain's HMAC key, derived (HKDF-SHA-256) from AUDIT_HMAC_KEY, so hex,
 * base64 and passphrases all give a full-strength 32-byte key.
 */
export function deriveAuditKey(secret: string | Buffer): KeyObject {
  const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return createSecretKey(Buffer.from(hkdfSync('sha256', ikm, HKDF_SALT, HKDF_INFO, 32)));
}
