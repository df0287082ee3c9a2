import { Injectable } from '@nestjs/common';
import { permissionDecision } from './access-decision.js';
import type { PermissionResponseDto } from './dto/permission-response.dto.js';
import { PermissionCatalog } from './permission-catalog.js';
import { RoleMembers } from './role-members.js';

/** The permission catalog, and permission checks for embedding code that has a user id rather than a request. */
@Injectable()
export class PermissionsService {
  constructor(
    private readonly members: RoleMembers,
    private readonly permissionCatalog: PermissionCatalog,
  ) {}

  catalog(): PermissionResponseDto[] {
    return this.permissionCatalog
      .all()
      .map(({ name, description, category }) => ({ name, description, category }));
  }

  /**
   * Whether the user holds `permission` now, by the same rule as the guard:
   * full_access holds everything, an inactive or unknown user holds nothing,
   * and an API user needs api_access as well.
   */
  async userHasPermission(userId: number, permission: string): Promise<boolean> {
    if (!Number.isSafeInteger(userId) || userId <= 0) return false;
    const access = await this.members.accessOf(userId);
    if (!access || !access.isActive) return false;
    return permissionDecision(access.isApiUser ? 'api' : 'session', new Set(access.permissions), [permission])
      .ok;
  }
}
