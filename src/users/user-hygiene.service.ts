import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import type { HygieneQuery } from './dto/hygiene.query.js';
import type { HygieneResponseDto } from './dto/hygiene-response.dto.js';
import { DEFAULT_PAGE_SIZE } from './dto/page.query.js';
import { hygieneReasons } from './user-hygiene.js';
import { toUserResponse } from './users.mapper.js';
import { UsersRepository } from './users.repository.js';

/** The accounts an administrator should review, each with its reasons. */
@Injectable()
export class UserHygieneService {
  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  async report(query: HygieneQuery): Promise<HygieneResponseDto> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const now = this.clock.now();
    const { rows, total } = await this.users.hygiene(page, pageSize, now);
    return {
      items: rows.map((user) => ({ user: toUserResponse(user, now), reasons: hygieneReasons(user, now) })),
      total,
      page,
      pageSize,
    };
  }
}
