import { describe, expect, it } from 'vitest';
import {
  NOW,
  client,
  fakeBruteForce,
  fakeUsersRepository,
  fixedClock,
  hashOf,
  loginUser,
  sharedFakes,
  successEntry,
  txManager,
} from '../../test/support/service-fakes.js';
import type { IamOptions } from '../config/iam-options.js';
import type { IamMetrics } from '../metrics/iam-metrics.js';
import type { TokenService } from '../tokens/token.service.js';
import type { LoginUser } from '../users/user-record.js';
import {
  AccountDisabledError,
  InteractiveLoginNotAllowedError,
  InvalidCredentialsError,
} from './auth.errors.js';
import { HashingThreadEnded } from '../users/hashing-threads.js';
import { LoginService, loginsAtOnce, MFA_CHALLENGE_TTL_MS } from './login.service.js';
import type { MfaRepository } from './mfa/mfa.repository.js';
import type { MfaService } from './mfa/mfa.service.js';

const PASSWORD = 'Correct-horse-9';

function setup(
  opts: { user?: LoginUser | null; locked?: boolean; needsRehash?: boolean; failTx?: boolean } = {},
) {
  const f = sharedFakes(opts);
  if (opts.failTx) {
    f.runner.run = async () => {
      throw new Error('database gone');
    };
  }
  const users = fakeUsersRepository(f.log, { user: opts.user });
  const { bruteForce, outcomes } = fakeBruteForce(f.log, { locked: opts.locked });
  const challenges: { userId: number; rememberMe: boolean; createdAt: Date; expiresAt: Date }[] = [];
  const mfaRepo = {
    createChallenge: async (
      _hash: string,
      userId: number,
      rememberMe: boolean,
      createdAt: Date,
      expiresAt: Date,
    ) => void challenges.push({ userId, rememberMe, createdAt, expiresAt }),
  } as unknown as MfaRepository;
  const tokens = {
    signSession: (userId: number, sessionId: string) => `session-token:${userId}:${sessionId}`,
  } as unknown as TokenService;
  const metered: string[] = [];
  const metrics = { login: (outcome: string) => void metered.push(outcome) } as unknown as IamMetrics;
  const options = { sessionTtlSeconds: 86_400, rememberMeTtlSeconds: 2_592_000 } as IamOptions;
  const service = new LoginService(
    users.repo,
    f.hasher.hasher,
    bruteForce,
    f.sessions,
    tokens,
    f.runner,
    f.audit,
    {} as MfaService,
    mfaRepo,
    fixedClock(),
    options,
    metrics,
  );
  return { service, ...f, ...users, outcomes, challenges, metered };
}

const login = (password = PASSWORD, username = 'bob') => ({ username, password });

describe('LoginService.login', () => {
  it('answers an unknown user and a wrong password alike, counting both as failures', async () => {
    const unknown = setup({ user: null });
    const unknownError = await unknown.service
      .login(login(PASSWORD, 'nobody'), client)
      .catch((e: unknown) => e);
    const wrong = setup();
    const wrongError = await wrong.service.login(login('Wrong-horse-9'), client).catch((e: unknown) => e);

    expect(unknownError).toBeInstanceOf(InvalidCredentialsError);
    expect(wrongError).toBeInstanceOf(InvalidCredentialsError);
    expect(wrongError).toMatchObject({
      code: (unknownError as InvalidCredentialsError).code,
      message: (unknownError as InvalidCredentialsError).message,
      status: (unknownError as InvalidCredentialsError).status,
    });
    // The unknown name spends the time of a real check against the dummy hash.
    expect(unknown.hasher.dummyChecks).toEqual([PASSWORD]);
    expect(wrong.hasher.dummyChecks).toEqual([]);
    expect(unknown.outcomes).toEqual(['failed']);
    expect(wrong.outcomes).toEqual(['failed']);
    expect(unknown.detached).toEqual([
      {
        action: 'auth.login_failed',
        actor: null,
        target: { type: 'user', id: null, label: 'nobody' },
        client,
        outcome: 'failure',
        details: { reason: 'unknown_user' },
      },
    ]);
    expect(wrong.detached).toMatchObject([{ target: { id: 7 }, details: { reason: 'wrong_password' } }]);
    for (const s of [unknown, wrong]) {
      expect(s.inserted).toEqual([]);
      expect(s.entries).toEqual([]);
    }
  });

  it('finds the user by the trimmed, lower-cased name', async () => {
    const s = setup();
    await expect(s.service.login(login(PASSWORD, '  BoB '), client)).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('says ACCOUNT_DISABLED only after the right password; a wrong one stays INVALID_CREDENTIALS', async () => {
    const right = setup({ user: loginUser({ isActive: false }) });
    await expect(right.service.login(login(), client)).rejects.toBeInstanceOf(AccountDisabledError);
    expect(right.outcomes).toEqual(['released']);
    expect(right.detached).toMatchObject([{ details: { reason: 'inactive' } }]);

    const wrong = setup({ user: loginUser({ isActive: false }) });
    await expect(wrong.service.login(login('Wrong-horse-9'), client)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(wrong.outcomes).toEqual(['failed']);
    expect([...right.inserted, ...wrong.inserted]).toEqual([]);
  });

  it('never lets an API user log in interactively', async () => {
    // An API user has no password: any password fails as for an unknown name.
    const withoutPassword = setup({ user: loginUser({ isApiUser: true, passwordHash: null }) });
    await expect(withoutPassword.service.login(login(), client)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(withoutPassword.hasher.dummyChecks).toEqual([PASSWORD]);

    // One still holding a hash is told why, but only once the password is proven.
    const withPassword = setup({ user: loginUser({ isApiUser: true }) });
    await expect(withPassword.service.login(login(), client)).rejects.toBeInstanceOf(
      InteractiveLoginNotAllowedError,
    );
    expect(withPassword.outcomes).toEqual(['released']);
    expect(withPassword.detached).toMatchObject([{ details: { reason: 'api_user' } }]);
    expect([...withoutPassword.inserted, ...withPassword.inserted]).toEqual([]);
  });

  it('refuses a locked account before checking the password, and records the lock', async () => {
    const s = setup({ locked: true });
    await expect(s.service.login(login(), client)).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(s.hasher.dummyChecks).toEqual([]);
    expect(s.detached).toMatchObject([
      { action: 'auth.login_failed', target: { id: 7, label: 'bob' }, details: { reason: 'locked' } },
    ]);
    expect(s.tx.runs).toBe(0);
  });

  it('has at most two logins per hashing thread at work; the next starts when one ends', async () => {
    expect([1, 3].map(loginsAtOnce)).toEqual([2, 6]);
    const s = setup();
    const reads: string[] = [];
    const findForLogin = s.repo.findForLogin.bind(s.repo);
    s.repo.findForLogin = (username: string) => {
      reads.push(username);
      return findForLogin(username);
    };
    const verdicts: ((ok: boolean) => void)[] = [];
    s.hasher.hasher.verify = () => new Promise<boolean>((resolve) => verdicts.push(resolve));
    const settled = async () => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };

    const logins = ['bob', 'bob', 'bob'].map((name) => s.service.login(login(PASSWORD, name), client));
    await settled();
    // The fake hasher has one thread: two logins read and verify, the third waits before its first read.
    expect(reads).toHaveLength(2);
    expect(verdicts).toHaveLength(2);
    verdicts[0]!(true);
    await expect(logins[0]).resolves.toMatchObject({ tokenType: 'Bearer' });
    await settled();
    expect(reads).toHaveLength(3);
    verdicts[1]!(false);
    await expect(logins[1]).rejects.toBeInstanceOf(InvalidCredentialsError);
    await settled();
    verdicts[2]!(true);
    await expect(logins[2]).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('opens a session with one auth.login entry in the same transaction, then evicts after commit', async () => {
    const s = setup();
    const answer = await s.service.login({ ...login(), rememberMe: true }, client);

    expect(s.inserted).toEqual([
      {
        id: expect.any(String),
        userId: 7,
        // 30 days (remember me) from the service's clock
        expiresAt: new Date(NOW + 2_592_000_000),
        rememberMe: true,
        ip: client.ip,
        userAgent: client.userAgent,
      },
    ]);
    const sessionId = s.inserted[0]!.id as string;
    expect(s.entries).toEqual([
      successEntry(
        'auth.login',
        { id: 7, username: 'bob' },
        { id: 7, username: 'bob' },
        { rememberMe: true, passwordRehashed: false },
      ),
    ]);
    expect(s.managers).toEqual([txManager]);
    expect(s.writes).toEqual([{ op: 'recordLogin', id: 7, manager: txManager, value: undefined }]);
    expect(s.log).toEqual([
      'session-inserted',
      'recordLogin:7',
      'audit:auth.login',
      'commit',
      'evict:7',
      'brute-force:succeeded',
    ]);
    expect(answer).toMatchObject({
      accessToken: `session-token:7:${sessionId}`,
      tokenType: 'Bearer',
      mustChangePassword: false,
      user: { id: 7, username: 'bob', lastLoginAt: new Date(NOW).toISOString() },
    });
    expect(s.metered).toEqual(['success']);
  });

  it('stores a new hash with the login when the old one was made with weaker parameters', async () => {
    const s = setup({ needsRehash: true });
    await s.service.login(login(), client);
    expect(s.writes).toEqual([{ op: 'recordLogin', id: 7, manager: txManager, value: hashOf(PASSWORD) }]);
    expect(s.entries[0]!.details).toEqual({ rememberMe: false, passwordRehashed: true });
  });

  it('answers mfaRequired with a challenge, and opens no session, when MFA is on', async () => {
    const s = setup({ user: loginUser({ mfaEnabled: true }) });
    const answer = await s.service.login({ ...login(), rememberMe: true }, client);

    expect(answer).toEqual({
      mfaRequired: true,
      mfaToken: expect.any(String),
      expiresAt: new Date(NOW + MFA_CHALLENGE_TTL_MS).toISOString(),
    });
    expect(s.challenges).toEqual([
      {
        userId: 7,
        rememberMe: true,
        createdAt: new Date(NOW),
        expiresAt: new Date(NOW + MFA_CHALLENGE_TTL_MS),
      },
    ]);
    expect(s.tx.runs).toBe(0);
    expect(s.inserted).toEqual([]);
    expect(s.entries).toEqual([]);
    expect(s.outcomes).toEqual(['released']);
  });

  it('gives the attempt back when a failure of its own ends the login', async () => {
    const s = setup({ failTx: true });
    await expect(s.service.login(login(), client)).rejects.toThrow('database gone');
    expect(s.outcomes).toEqual(['released']);
  });

  it('counts no guess when the password could not be checked (the hashing thread ended)', async () => {
    const s = setup();
    s.hasher.hasher.verify = async () => {
      throw new HashingThreadEnded('hashing thread ended (1)');
    };
    await expect(s.service.login(login(), client)).rejects.toBeInstanceOf(HashingThreadEnded);
    expect(s.outcomes).toEqual(['released']);
    expect(s.entries).toEqual([]);
  });
});
