import type { Response } from 'supertest';
import { beforeAll, expect } from 'vitest';
import { auditTableText } from './audit.js';
import { type TestApp, useAdmin } from './harness.js';

/**
 * The passwords and tokens a suite used, to be searched for afterwards in
 * the app's log lines and in the whole audit table.
 */
export class SecretWatch {
  private readonly secrets = new Set<string>();

  add(...values: (string | undefined | null)[]): void {
    for (const v of values) if (v && v.length >= 8) this.secrets.add(v);
  }

  /** Adds the secrets an answer carries (accessToken, apiToken, temporaryPassword); answers the answer. */
  fromAnswer<R extends Response>(res: R): R {
    const b = res.body as Record<string, unknown> | undefined;
    for (const k of ['accessToken', 'apiToken', 'temporaryPassword']) {
      if (typeof b?.[k] === 'string') this.add(b[k] as string);
    }
    return res;
  }

  get size(): number {
    return this.secrets.size;
  }

  /** No secret, nor the signature part of a token, in any log line or audit entry; no hash either. */
  async expectAbsent(t: TestApp): Promise<void> {
    const logs = t.logs.join('\n');
    const audit = await auditTableText(t);
    for (const secret of this.secrets) {
      const needles = secret.split('.').length === 3 ? [secret, secret.split('.')[2]] : [secret];
      for (const n of needles) {
        expect(logs.includes(n), `a secret in the logs: ${n.slice(0, 6)}…`).toBe(false);
        expect(audit.includes(n), `a secret in the audit log: ${n.slice(0, 6)}…`).toBe(false);
      }
    }
    expect(/\$argon2/.test(logs), 'a password hash in the logs').toBe(false);
    expect(/\$argon2/.test(audit), 'a password hash in the audit log').toBe(false);
    expect(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(logs), 'a JWT in the logs').toBe(false);
    expect(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(audit), 'a JWT in the audit log').toBe(false);
  }
}

/**
 * A suite's SecretWatch, holding `known` from the start and the seeded
 * administrator's token once the hooks have run, and that administrator.
 */
export function useWatchedAdmin(t: TestApp, ...known: string[]) {
  const secrets = new SecretWatch();
  secrets.add(...known);
  const admin = useAdmin(t);
  beforeAll(() => secrets.add(admin.token));
  return { secrets, admin };
}
