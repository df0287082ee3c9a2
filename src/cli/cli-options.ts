import { EXPECT_HEAD_PATTERN } from '../audit/audit-head.js';
import { GRACE_HOURS_MAX } from '../users/token-grace.js';
import { InvalidOptionError } from './cli.errors.js';

// Read by the CLI's entry point before anything boots, so a mistyped option is refused at once: this
// module and what it imports stay free of Nest, TypeORM and the DTOs' decorators.

/** `--grace-hours`: an integer from 0 to 168, as the API takes it. */
export function graceHoursOption(value: unknown): number {
  if (value === undefined) return 0;
  const text = String(value);
  const hours = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(hours >= 0 && hours <= GRACE_HOURS_MAX)) {
    throw new InvalidOptionError(`--grace-hours must be an integer from 0 to ${GRACE_HOURS_MAX}`);
  }
  return hours;
}

/** `--expect-head`: ID:HASH, as the API's `expectHead` takes it. */
export function expectHeadOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!EXPECT_HEAD_PATTERN.test(text)) {
    throw new InvalidOptionError('--expect-head must be ID:HASH (an entry id, a colon, 64 hex digits)');
  }
  return text;
}
