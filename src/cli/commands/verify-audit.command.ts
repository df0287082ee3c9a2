import { Injectable } from '@nestjs/common';
import { AuditLogService } from '../../audit/audit-log.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { CLI_AUDIT_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { BROKEN_CHAIN_EXIT_CODE, CliFailure } from '../cli-failure.js';
import { CliSupport } from '../cli-support.js';

@Injectable()
export class VerifyAuditCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly log: AuditLogService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  protected async execute(): Promise<void> {
    await this.support.assertMigrated();
    const result = await this.log.verify();
    // The check is on record after the entries it checked, whatever it found.
    await this.audit.record({
      action: 'audit.verified',
      actor: CLI_AUDIT_ACTOR,
      target: { type: 'audit_log' },
      client: { ip: null, userAgent: 'champa-iam-cli' },
      outcome: result.ok ? 'success' : 'failure',
      details: { ...result },
    });
    if (!result.ok) {
      throw new CliFailure(
        `the audit chain does not hold: entry ${result.firstBrokenId} is broken (${result.checked} checked)`,
        BROKEN_CHAIN_EXIT_CODE,
      );
    }
    this.print(`Audit chain holds: ${result.checked} entries checked.`);
  }
}
