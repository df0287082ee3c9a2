import { describe, expect, it } from 'vitest';
import { userRecord } from '../../test/support/service-fakes.js';
import { cachedUserOf } from './user-state.js';
import { userViewOf } from './cached-user.mapper.js';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 0, 1);

describe('userViewOf', () => {
  it("keeps a regular user's view for as long as the cached state is the same object", () => {
    const state = cachedUserOf({ ...userRecord(), apiTokenId: null, previousApiTokenId: null });
    const view = userViewOf(state, NOW);
    expect(userViewOf(state, NOW)).toBe(view);
    expect(Object.isFrozen(view)).toBe(true);

    const changed = { ...state, email: 'changed@example.test' };
    expect(userViewOf(changed, NOW)).not.toBe(view);
    expect(userViewOf(changed, NOW).email).toBe('changed@example.test');
  });

  it("computes an API user's view at the time given, since its token status moves with the clock", () => {
    const now = Date.UTC(2026, 0, 1);
    const state = cachedUserOf({
      ...userRecord(),
      isApiUser: true,
      hasApiToken: true,
      apiTokenId: '5b0f6f8e-7a43-4b8e-9d55-0d6f7c3a1e21',
      previousApiTokenId: null,
      apiTokenExpiresAt: new Date(now + 10 * DAY),
    });
    expect(userViewOf(state, now).apiTokenStatus).toBe('valid');
    expect(userViewOf(state, now + 5 * DAY).apiTokenStatus).toBe('expiring');
    expect(userViewOf(state, now + 11 * DAY).apiTokenStatus).toBe('expired');
  });
});
