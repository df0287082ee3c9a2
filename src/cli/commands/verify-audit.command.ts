import { Injectable } from '@nestjs/common';
import { AuditLogService } from '../../audit/audit-log.service.js';
import { AuditService } from '../../audit/audit.service.js';
import type { AuditVerifyDto } from '../../audit/dto/audit-verify.dto.js';
import { CLI_AUDIT_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';
import { BROKEN_CHAIN_EXIT_CODE, CliFailure } from '../cli-failure.js';
import { CliSupport } from '../cli-support.js';

/** Why a chain does not hold, in one line for the operator. */
function brokenReason(result: AuditVerifyDto, expectHead: string | undefined): string {
  const expectedId = expectHead?.split(':')[0];
  if (result.firstBrokenId !== null && String(result.firstBrokenId) === expectedId) {
    return `entry ${expectedId} is not the expected head (edited, or the chain recomputed without the key)`;
  }
  if (result.firstBrokenId !== null) return `entry ${result.firstBrokenId} is broken`;
  if (expectHead !== undefined) {
    return (
      `it no longer holds the expected head ${expectedId} ` +
      '(newest entries removed, or the chain recomputed without the key)'
    );
  }
  return 'its retention checkpoint is not sealed with the key';
}

@Injectable()
export class VerifyAuditCommand extends CliCommand {
  constructor(
    private readonly support: CliSupport,
    private readonly log: AuditLogService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  /** `expectHead` as the entry point read it (`expectHeadOption`), before anything booted. */
  protected async execute(_params: string[], { expectHead }: { expectHead?: string }): Promise<void> {
    await this.support.assertMigrated();
    const result = await this.log.verify({ expectHead });
    // The check is on record after the entries it checked, whatever it found.
    await this.audit.record({
      action: 'audit.verified',
      actor: CLI_AUDIT_ACTOR,
      target: { type: 'audit_log' },
      client: { ip: null, userAgent: 'champa-iam-cli' },
      outcome: result.ok ? 'success' : 'failure',
      details: { ...result, ...(expectHead === undefined ? {} : { expectHead }) },
    });
    if (!result.ok) {
      throw new CliFailure(
        `the audit chain does not hold: ${brokenReason(result, expectHead)} (${result.checked} checked)`,
        BROKEN_CHAIN_EXIT_CODE,
      );
    }
    const head = result.head ? `; head ${result.head.id}:${result.head.hash}` : '';
    this.print(`Audit chain holds: ${result.checked} entries checked${head}.`);
  }
}
