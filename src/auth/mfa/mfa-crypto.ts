import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  type KeyObject,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

const CIPHER_INFO = 'mfa totp-secret aes-256-gcm v1';
const RECOVERY_INFO = 'mfa recovery-code hmac-sha256 v1';
const FORMAT = 'v1';
const IV_BYTES = 12;

const subKey = (master: KeyObject, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', master.export(), 'champa-iam', info, 32));

/**
 * The MFA secrets at rest: TOTP secrets encrypted with AES-256-GCM, bound to
 * their user (the user id is the additional data, so a ciphertext copied to
 * another row does not decrypt), and recovery codes as keyed hashes.
 */
export class MfaCrypto {
  private readonly cipherKey: Buffer;
  private readonly recoveryKey: Buffer;

  constructor(master: KeyObject) {
    this.cipherKey = subKey(master, CIPHER_INFO);
    this.recoveryKey = subKey(master, RECOVERY_INFO);
  }

  encrypt(userId: number, plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.cipherKey, iv);
    cipher.setAAD(Buffer.from(`user:${userId}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [FORMAT, ...parts].join('.');
  }

  /** Throws when the text was not encrypted under this key for this user. */
  decrypt(userId: number, stored: string): string {
    const [format, iv, tag, body] = stored.split('.');
    if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('not an MFA ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.cipherKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`user:${userId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Recovery codes carry 50 random bits: a keyed hash is enough, and fast. */
  hashRecoveryCode(userId: number, code: string): string {
    return createHmac('sha256', this.recoveryKey)
      .update(`${userId}:${normalizeRecoveryCode(code)}`)
      .digest('hex');
  }
}

// No 0/o, 1/l/i: a code read off paper is typed right.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUP = 5;

/** Ten characters in two groups of five (`k7m2p-x9qrt`): about 49 bits each. */
export function generateRecoveryCode(): string {
  const chars = Array.from({ length: GROUP * 2 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, GROUP).join('')}-${chars.slice(GROUP).join('')}`;
}

/** Case, spaces and dashes do not matter when a recovery code is typed. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** The single-use token between a right password and the code: 256 random bits, stored as a hash. */
export function newChallengeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: challengeHash(token) };
}

export function challengeHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
