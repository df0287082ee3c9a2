import { describe, expect, it } from 'vitest';
import { AuditQueue } from './audit-queue.js';
import type { AuditDraft } from './audit-sanitize.js';

const draft = (action: string): AuditDraft => ({
  actorId: null,
  actorUsername: null,
  action,
  targetType: null,
  targetId: null,
  targetLabel: null,
  ip: null,
  userAgent: null,
  outcome: 'success',
  details: {},
});

describe('AuditQueue', () => {
  it('writes in batches, in order, and flush() waits for all of it', async () => {
    const batches: string[][] = [];
    const q = new AuditQueue({
      write: async (b) => {
        batches.push(b.map((d) => d.action));
      },
      onError: () => undefined,
      maxBatch: 4,
      delayMs: 1_000,
    });
    for (let i = 0; i < 10; i++) q.push(draft(`a${i}`));
    await q.flush();
    expect(batches.flat()).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    expect(q.size).toBe(0);
  });

  it('writes a small batch after a short wait without a flush', async () => {
    let written = 0;
    let done!: () => void;
    const wrote = new Promise<void>((r) => (done = r));
    const q = new AuditQueue({
      write: async (b) => {
        written += b.length;
        done();
      },
      onError: () => undefined,
      delayMs: 1,
    });
    q.push(draft('x'));
    q.push(draft('y'));
    await wrote;
    expect(written).toBe(2);
  });

  it('isolates an entry the store refuses, keeps the rest in order, and gives up on it after the attempts', async () => {
    const stored: string[] = [];
    const errors: string[] = [];
    const q = new AuditQueue({
      write: async (b) => {
        if (b.some((d) => d.action === 'poison')) throw new Error('refused');
        stored.push(...b.map((d) => d.action));
      },
      onError: (m) => errors.push(m),
      maxAttempts: 3,
      retryDelayMs: 60_000,
    });
    for (const a of ['a', 'poison', 'b', 'c']) q.push(draft(a));
    await q.flush();
    expect(stored).toEqual(['a', 'b', 'c']);
    expect(errors.at(-1)).toMatch(/1 audit entry given up after 3 attempts/);
    expect(q.size).toBe(0);
  });

  it('keeps entries while the store is down and writes them, first, once it is back', async () => {
    let up = false;
    const stored: string[] = [];
    const q = new AuditQueue({
      write: async (b) => {
        if (!up) throw new Error('down');
        stored.push(...b.map((d) => d.action));
      },
      onError: () => undefined,
      maxAttempts: 10,
      retryDelayMs: 60_000,
      delayMs: 0,
    });
    q.push(draft('early'));
    await new Promise((r) => setTimeout(r, 5));
    expect(q.size).toBe(1);
    up = true;
    q.push(draft('late'));
    await q.flush();
    expect(stored).toEqual(['early', 'late']);
  });

  it('refuses entries beyond its bound instead of growing without end', async () => {
    const errors: string[] = [];
    const q = new AuditQueue({
      write: async () => undefined,
      onError: (m) => errors.push(m),
      maxQueued: 3,
      delayMs: 1_000,
    });
    for (let i = 0; i < 5; i++) q.push(draft(`a${i}`));
    expect(q.size).toBe(3);
    expect(errors).toHaveLength(1);
    await q.flush();
  });
});
