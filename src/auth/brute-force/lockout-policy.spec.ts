import { describe, expect, it } from 'vitest';
import { lockSeconds, scopesOf, secondsLeft } from './lockout-policy.js';

describe('lockSeconds', () => {
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => lockSeconds(n, 30, 900))).toEqual([30, 60, 120, 240, 480, 900]);
    expect(lockSeconds(1000, 30, 900)).toBe(900);
    expect(lockSeconds(1, 1, 900)).toBe(1);
  });
});

describe('secondsLeft', () => {
  it('rounds up and is 0 for no lock or one that is over', () => {
    expect(secondsLeft(undefined, 1000)).toBe(0);
    expect(secondsLeft({ until: 1000 }, 1000)).toBe(0);
    expect(secondsLeft({ until: 2001 }, 1000)).toBe(2);
  });
});

describe('scopesOf', () => {
  it('keeps the username from running into the address', () => {
    expect(scopesOf('alice:1.2.3.4', '5.6.7.8').pair).not.toBe(scopesOf('alice', '1.2.3.4:5.6.7.8').pair);
    expect(scopesOf('alice', '10.0.0.1')).toEqual({ pair: 'pair:alice:10.0.0.1', user: 'user:alice' });
  });

  it('counts an IPv6 client per /64', () => {
    expect(scopesOf('bob', '2001:db8:1:2::1').pair).toBe(scopesOf('bob', '2001:db8:1:2:ffff::9').pair);
    expect(scopesOf('bob', '2001:db8:1:2::1').pair).not.toBe(scopesOf('bob', '2001:db8:1:3::1').pair);
  });
});
