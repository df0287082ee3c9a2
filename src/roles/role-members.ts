import type { EntityManager } from 'typeorm';

/** How many users hold a role, and how many of those are API users. */
export interface RoleUserCounts {
  userCount: number;
  apiUserCount: number;
}

/** What decides whether a user holds a permission. */
export interface UserAccessRow {
  isActive: boolean;
  isApiUser: boolean;
  permissions: string[];
}

/** Which administrators to count: those of one role, or all but one role's or one user. */
export type AdministratorScope = { inRole: string } | { exceptRole: string } | { exceptUser: number };

/**
 * What the roles module asks about the users who hold its roles. The users
 * module owns that table and answers (its repository is bound to this
 * class); roles sits below users, so it names the questions and never the
 * table.
 */
export abstract class RoleMembers {
  /** Counts for every role held by at least one user; a role held by none is absent. */
  abstract countsByRole(manager?: EntityManager): Promise<Map<string, RoleUserCounts>>;

  abstract countsOf(role: string, manager?: EntityManager): Promise<RoleUserCounts>;

  /** The ids of the users holding `role`, for evicting their cached state. */
  abstract idsOf(role: string, manager: EntityManager): Promise<number[]>;

  /** A user's activity, kind and role permissions in one read; null when there is no such user. */
  abstract accessOf(userId: number): Promise<UserAccessRow | null>;

  /** Active users who can log in and whose role holds full_access, within `scope`. */
  abstract countAdministrators(manager: EntityManager, scope: AdministratorScope): Promise<number>;
}
