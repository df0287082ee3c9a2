import { describeFailure } from './cli-failure.js';

/**
 * A command that reports instead of throwing: its output on stdout, a
 * failure on stderr with a non-zero exit code, and the application context
 * still closed properly (pending audit entries written, the database released).
 */
export abstract class CliCommand {
  protected abstract execute(params: string[], options: Record<string, unknown>): Promise<void>;

  async run(params: string[], options: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.execute(params, options);
    } catch (err) {
      const { text, exitCode } = describeFailure(err);
      process.stderr.write(text + '\n');
      process.exitCode = exitCode;
    }
  }

  protected print(line: string): void {
    process.stdout.write(line + '\n');
  }
}
