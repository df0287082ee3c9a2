import { describe, expect, it } from 'vitest';
import { currentSessionViewOf } from './session.mapper.js';
import type { CachedSession } from './session-state.js';

const A = '0b7f2c2e-5d1a-4c1e-9a7e-2f7c1d3e4b5a';
const B = '7d1e4a3c-2b9f-4e8d-a6c5-1f0e9d8c7b6a';

function state(): CachedSession {
  const at = Date.UTC(2026, 0, 1);
  return {
    userId: 7,
    expiresAt: at + 3600_000,
    revoked: false,
    lastSeenAt: 0,
    createdAt: at,
    rememberMe: true,
    ip: '127.0.0.1',
    userAgent: 'curl',
  };
}

describe('currentSessionViewOf', () => {
  it('answers the same view for the same cached state and id', () => {
    const s = state();
    const view = currentSessionViewOf(A, s);
    expect(view).toEqual({
      id: A,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T01:00:00.000Z',
      lastSeenAt: null,
      ip: '127.0.0.1',
      userAgent: 'curl',
      rememberMe: true,
      current: true,
    });
    expect(currentSessionViewOf(A, s)).toBe(view);
  });

  it('builds a new view for another state object or another id', () => {
    const s = state();
    const view = currentSessionViewOf(A, s);
    const renewed = { ...s, lastSeenAt: Date.UTC(2026, 0, 1, 0, 30) };
    expect(currentSessionViewOf(A, renewed).lastSeenAt).toBe('2026-01-01T00:30:00.000Z');
    expect(currentSessionViewOf(B, s).id).toBe(B);
    expect(view.id).toBe(A);
  });
});
