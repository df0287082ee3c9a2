import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import { CLI_AUDIT_ACTOR } from '../cli-actor.js';
import { CliCommand } from '../cli-command.js';

@Injectable()
export class MigrateCommand extends CliCommand {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    super();
  }

  protected async execute(): Promise<void> {
    const applied = await this.dataSource.runMigrations({ transaction: 'each' });
    if (applied.length === 0) {
      this.print('The schema is up to date; no migration was pending.');
      return;
    }
    const names = applied.map((m) => m.name);
    // The audit table exists from the first migration on: the run is recorded once it has finished.
    await this.audit.record({
      action: 'schema.migrated',
      actor: CLI_AUDIT_ACTOR,
      target: { type: 'schema' },
      client: { ip: null, userAgent: 'champa-iam-cli' },
      outcome: 'success',
      details: { migrations: names },
    });
    this.print(`Applied ${names.length} migration(s):`);
    for (const name of names) this.print(`  ${name}`);
  }
}
