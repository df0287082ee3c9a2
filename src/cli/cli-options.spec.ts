import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './cli.errors.js';
import { expectHeadOption, graceHoursOption } from './cli-options.js';

describe('graceHoursOption', () => {
  it('takes the integers the API takes, 0 when absent', () => {
    expect(graceHoursOption(undefined)).toBe(0);
    expect(graceHoursOption('0')).toBe(0);
    expect(graceHoursOption('168')).toBe(168);
    expect(graceHoursOption(24)).toBe(24);
  });

  it.each(['169', '-1', '1.5', 'day', '', '0x10', '1e2'])('refuses %j as VALIDATION_FAILED', (bad) => {
    expect(() => graceHoursOption(bad)).toThrow(InvalidOptionError);
    expect(() => graceHoursOption(bad)).toThrow('--grace-hours must be an integer from 0 to 168');
  });
});

describe('expectHeadOption', () => {
  const hash = 'ab'.repeat(32);

  it('takes ID:HASH, trimmed; nothing when absent', () => {
    expect(expectHeadOption(undefined)).toBeUndefined();
    expect(expectHeadOption(` 42:${hash} `)).toBe(`42:${hash}`);
  });

  it.each(['12:not-a-hash', `x:${hash}`, `01:${hash}`, hash, `42:${hash}0`])('refuses %j', (bad) => {
    expect(() => expectHeadOption(bad)).toThrow(InvalidOptionError);
  });
});
