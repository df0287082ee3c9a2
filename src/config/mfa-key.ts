import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

// Fixed and public: they keep this key apart from anything else derived from the same secret.
const HKDF_SALT = 'champa-iam';
const HKDF_INFO = 'mfa master v1';

/**
 * The MFA master key, derived (HKDF-SHA-256) from MFA_ENCRYPTION_KEY, so hex,
 * base64 and passphrases all give a full-strength 32-byte key. The cipher and
 * the recovery-code hashes each derive their own key from it.
 */
export function deriveMfaKey(secret: string | Buffer): KeyObject {
  const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  return createSecretKey(Buffer.from(hkdfSync('sha256', ikm, HKDF_SALT, HKDF_INFO, 32)));
}
