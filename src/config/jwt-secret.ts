import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * In embedded mode a secret is generated once and kept beside the data,
 * readable by the owner only, so what it protects survives a restart.
 */
export function loadOrCreateSecret(dataDir: string, fileName: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, fileName);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode !== 0o600) chmodSync(file, 0o600);
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(file, 0o600);
  return secret;
}

/** The HS256 signing secret, so tokens survive a restart. */
export function loadOrCreateJwtSecret(dataDir: string): string {
  return loadOrCreateSecret(dataDir, 'jwt-secret');
}

/** Encrypts the TOTP secrets at rest: a new one would leave every enrolled user unable to sign in. */
export function loadOrCreateMfaEncryptionKey(dataDir: string): string {
  return loadOrCreateSecret(dataDir, 'mfa-encryption-key');
}

/** The audit chain's key material: a new one would make every existing entry fail verification. */
export function loadOrCreateAuditHmacKey(dataDir: string): string {
  return loadOrCreateSecret(dataDir, 'audit-hmac-key');
}
