import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UserResponseDto } from '../users/dto/user-response.dto.js';
import { UserNotFoundError } from '../users/users.errors.js';
import { UsersService } from '../users/users.service.js';
import { CliFailure } from './cli-failure.js';

const PAGE = 100;

/** What several commands need: a migrated schema, and a user by name. */
@Injectable()
export class CliSupport {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  /** The CLI never migrates on its own: a command on an old schema stops with what to do. */
  async assertMigrated(): Promise<void> {
    if (await this.dataSource.showMigrations()) {
      throw new CliFailure('the database has pending migrations; run `npm run cli -- migrate` first');
    }
  }

  /** Through the users service's own search; the name must match exactly. */
  async userByUsername(username: string): Promise<UserResponseDto> {
    const wanted = username.trim().toLowerCase();
    for (let page = 1; ; page++) {
      const found = await this.users.list({ search: wanted, page, pageSize: PAGE });
      const user = found.items.find((u) => u.username === wanted);
      if (user) return user;
      if (page * PAGE >= found.total) throw new UserNotFoundError();
    }
  }
}
