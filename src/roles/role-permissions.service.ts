import { Inject, Injectable } from '@nestjs/common';
import { AppCache } from '../cache/app-cache.js';
import { CacheKeys } from '../cache/cache-keys.js';
import { IAM_OPTIONS, type IamOptions } from '../config/iam-options.js';
import { RolesRepository } from './roles.repository.js';

/** A role's permission set, through the cache; evicted on every change of the role. */
@Injectable()
export class RolePermissionsService {
  constructor(
    private readonly roles: RolesRepository,
    private readonly cache: AppCache,
    @Inject(IAM_OPTIONS) private readonly options: IamOptions,
  ) {}

  /** The permissions of a role; empty when the role does not exist. */
  async permissionsOf(roleName: string): Promise<string[]> {
    const key = CacheKeys.role(roleName);
    const cached = await this.cache.get<string[]>(key);
    if (cached) return cached;
    const permissions = await this.roles.permissionsOf(roleName);
    if (permissions) await this.cache.set(key, permissions, this.options.authCacheTtlSeconds);
    return permissions ?? [];
  }

  evict(roleName: string): Promise<void> {
    return this.cache.del(CacheKeys.role(roleName));
  }

  /** Drops the cached auth state of these users (a role rule their state carries changed). */
  async evictUsers(userIds: readonly number[]): Promise<void> {
    const BATCH = 500;
    for (let i = 0; i < userIds.length; i += BATCH) {
      await this.cache.del(...userIds.slice(i, i + BATCH).map((id) => CacheKeys.user(id)));
    }
  }
}
