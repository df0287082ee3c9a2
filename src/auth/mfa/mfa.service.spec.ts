import { createSecretKey, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../common/clock.js';
import type { IamOptions } from '../../config/iam-options.js';
import { generateRecoveryCode, MfaCrypto } from './mfa-crypto.js';
import type { MfaRepository } from './mfa.repository.js';
import { MfaService } from './mfa.service.js';
import { newTotpSecret, TOTP_PERIOD_SECONDS } from './totp.js';

const USER = 42;
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;

/**
 * The service's code check over an in-memory user_mfa row and recovery codes, with the repository's rules:
 * a step is taken only when later than every step used before, a recovery code is spent once.
 */
function scene() {
  const mfaKey = createSecretKey(randomBytes(32));
  const crypto = new MfaCrypto(mfaKey);
  const { secret } = newTotpSecret('alice');
  let now = Date.UTC(2026, 0, 1, 12, 0, 10);
  const row = {
    secretCiphertext: crypto.encrypt(USER, secret) as string | null,
    lastUsedStep: null as number | null,
  };
  const recovery = new Map<string, boolean>(); // hash → used
  let stepTakenElsewhere = false;
  const repo = {
    stateOf: async (userId: number) => (userId === USER ? { ...row, pendingCiphertext: null } : null),
    useStep: async (userId: number, step: number) => {
      if (stepTakenElsewhere) row.lastUsedStep = step; // a parallel request with the same code won
      if (userId !== USER || row.secretCiphertext === null) return false;
      if (row.lastUsedStep !== null && row.lastUsedStep >= step) return false;
      row.lastUsedStep = step;
      return true;
    },
    useRecoveryCode: async (userId: number, hash: string) => {
      if (userId !== USER || recovery.get(hash) !== false) return false;
      recovery.set(hash, true);
      return true;
    },
  } as unknown as MfaRepository;
  const clock = { now: () => now } as Clock;
  const service = new MfaService(
    repo,
    {} as never,
    {} as never,
    {} as never,
    {} as never,
    {} as never,
    {} as never,
    {} as never,
    clock,
    { mfaKey } as IamOptions,
  );
  const totp = new TOTP({
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
  return {
    service,
    row,
    codeAt: (ms: number) => totp.generate({ timestamp: ms }),
    now: () => now,
    advance: (ms: number) => (now += ms),
    addRecoveryCode: () => {
      const code = generateRecoveryCode();
      recovery.set(crypto.hashRecoveryCode(USER, code), false);
      return code;
    },
    takeStepsElsewhere: () => (stepTakenElsewhere = true),
  };
}

describe('MfaService.verifyCode', () => {
  it('takes a TOTP code once: the same code again is a replay', async () => {
    const s = scene();
    const code = s.codeAt(s.now());
    expect(await s.service.verifyCode(USER, code)).toBe('totp');
    expect(await s.service.verifyCode(USER, code)).toBeNull();
    s.advance(STEP_MS);
    expect(await s.service.verifyCode(USER, s.codeAt(s.now()))).toBe('totp');
  });

  it('allows one step of drift either way, and no more', async () => {
    const s = scene();
    expect(await s.service.verifyCode(USER, s.codeAt(s.now() - 2 * STEP_MS))).toBeNull();
    expect(await s.service.verifyCode(USER, s.codeAt(s.now() + 2 * STEP_MS))).toBeNull();
    expect(await s.service.verifyCode(USER, s.codeAt(s.now() - STEP_MS))).toBe('totp');
    expect(await s.service.verifyCode(USER, s.codeAt(s.now() + STEP_MS))).toBe('totp');
  });

  it('refuses a code of a step before one already used, though it is still in the window', async () => {
    const s = scene();
    expect(await s.service.verifyCode(USER, s.codeAt(s.now()))).toBe('totp');
    expect(await s.service.verifyCode(USER, s.codeAt(s.now() - STEP_MS))).toBeNull();
    expect(s.row.lastUsedStep).toBe(Math.floor(s.now() / STEP_MS));
  });

  it('refuses a code whose step a parallel request took first', async () => {
    const s = scene();
    s.takeStepsElsewhere();
    expect(await s.service.verifyCode(USER, s.codeAt(s.now()))).toBeNull();
  });

  it('spends a recovery code once, however it is typed', async () => {
    const s = scene();
    const code = s.addRecoveryCode();
    const typed = ` ${code.toUpperCase().replace('-', ' - ')} `;
    expect(await s.service.verifyCode(USER, typed)).toBe('recovery_code');
    expect(await s.service.verifyCode(USER, code)).toBeNull();
    expect(await s.service.verifyCode(USER, 'abcde-fghjk')).toBeNull();
  });

  it('knows no code for a user without a confirmed secret, nor for another user', async () => {
    const s = scene();
    const code = s.codeAt(s.now());
    expect(await s.service.verifyCode(USER + 1, code)).toBeNull();
    s.row.secretCiphertext = null;
    expect(await s.service.verifyCode(USER, code)).toBeNull();
    expect(await s.service.verifyCode(USER, s.addRecoveryCode())).toBeNull();
  });
});
