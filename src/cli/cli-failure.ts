import { DomainError } from '../common/errors/domain-error.js';

/** Exit code of an audit chain that does not hold: apart from 1, so a monitor can tell tampering from a failed run. */
export const BROKEN_CHAIN_EXIT_CODE = 2;

/** A refusal the CLI reports in one line on stderr, with its exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** What the operator reads for a failure: the contract's code and message, each invalid field on a line. */
export function describeFailure(err: unknown): { text: string; exitCode: number } {
  if (err instanceof CliFailure) return { text: `error: ${err.message}`, exitCode: err.exitCode };
  if (err instanceof DomainError) {
    const fields = (err.options.details ?? []).map((d) => `\n  ${d.field}: ${d.message}`).join('');
    return { text: `error: ${err.code}: ${err.message}${fields}`, exitCode: 1 };
  }
  return { text: `error: ${(err as Error)?.message ?? String(err)}`, exitCode: 1 };
}
