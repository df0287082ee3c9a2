import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { TransactionRunner } from '../database/transaction.js';
import { generatePassword } from './password-generator.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { UsersRepository } from './users.repository.js';

const ADMIN_ROLE = 'administrator';

/**
 * On boot, when nobody holds the administrator role, creates one from
 * ADMIN_USERNAME / ADMIN_PASSWORD / ADMIN_EMAIL. Without a password, a
 * strong one is generated, shown once, and must be changed at first login.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
    private readonly tx: TransactionRunner,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly audit: AuditService,
    private readonly users: UsersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.options.initialAdmin;
    if (!admin) return;
    // Nearly every boot finds the administrator there: it then hashes nothing, so it neither starts a hashing
    // thread nor waits for one. The check is made again below, under the lock, for boots that race.
    if ((await this.users.countsOf(ADMIN_ROLE)).userCount > 0) return;
    const generated = admin.password ? undefined : generatePassword(20);
    // A configured password the policy refuses still lets the operator in, once: it must be changed.
    const weakness = admin.password ? this.policy.check(admin.password, admin.username) : [];
    const passwordHash = await this.hasher.hash(admin.password ?? generated!);
    const created = await this.tx.run(async ({ manager }) => {
      // Several instances may boot at once: one creates, the others see it.
      await this.users.lockBootstrap(manager);
      if ((await this.users.countsOf(ADMIN_ROLE, manager)).userCount > 0) return undefined;
      const taken = await this.users.findTaken(admin.username, admin.email, manager);
      if (taken.username) {
        this.logger.warn(
          `No administrator exists, but username '${admin.username}' is taken; set ADMIN_USERNAME to another name`,
        );
        return undefined;
      }
      if (taken.email) {
        this.logger.warn(
          `No administrator exists, but e-mail '${admin.email}' is taken; set ADMIN_EMAIL to another address`,
        );
        return undefined;
      }
      const id = await this.users.insert(
        {
          username: admin.username,
          email: admin.email,
          passwordHash,
          roleName: ADMIN_ROLE,
          isActive: true,
          isApiUser: false,
          apiTokenTtlDays: null,
          apiTokenId: null,
          apiTokenExpiresAt: null,
          mustChangePassword: !admin.password || weakness.length > 0,
        },
        manager,
      );
      const user = { id, username: admin.username };
      await this.audit.record(
        {
          action: 'user.created',
          actor: { id: null, username: 'system' },
          target: { type: 'user', id: user.id, label: user.username },
          outcome: 'success',
          details: { role: ADMIN_ROLE, reason: 'initial administrator', generatedPassword: !admin.password },
        },
        manager,
      );
      return user;
    });
    if (!created) return;
    if (generated) {
      // Shown once, on the console only, so the operator can log in; the account must change it at first login.
      const banner = [
        '',
        '================================================================',
        ' champa-iam: initial administrator created',
        `   username: ${created.username}`,
        `   password: ${generated}`,
        ' This password is shown once and must be changed at first login.',
        ' Set ADMIN_PASSWORD to choose it yourself.',
        '================================================================',
        '',
      ].join('\n');
      process.stdout.write(banner + '\n');
    } else if (weakness.length > 0) {
      this.logger.warn(
        `Initial administrator '${created.username}' created, but ADMIN_PASSWORD does not meet the password ` +
          `policy (it ${weakness.join('; ')}): it must be changed at first login`,
      );
    } else {
      this.logger.log(
        `Initial administrator '${created.username}' created from ADMIN_USERNAME / ADMIN_PASSWORD`,
      );
    }
  }
}
