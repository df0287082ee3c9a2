import { QueryFailedError } from 'typeorm';

/** The SQLSTATE codes the modules translate into the contract's errors. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

/** SQLSTATEs of a value the caller sent wrong: malformed text, a number out of range, a string too long. */
export const BAD_VALUE_STATES: ReadonlySet<string> = new Set([
  '22P02',
  '22003',
  '22001',
  '22021',
  '22P05',
  '22007',
  '22008',
  '54000',
]);

/** The SQLSTATE of a failed query (PostgreSQL and PGlite alike), or undefined. */
export function sqlState(err: unknown): string | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  const code = (err as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint a failed query violated: from the driver when it says, else from PostgreSQL's message. */
export function violatedConstraint(err: unknown): string | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  const constraint = (err as { driverError?: { constraint?: unknown } }).driverError?.constraint;
  if (typeof constraint === 'string') return constraint;
  return /constraint "([^"]+)"/.exec(err.message)?.[1];
}
