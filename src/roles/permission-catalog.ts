import { Inject, Injectable } from '@nestjs/common';
import { IAM_OPTIONS, type IamOptions, type PermissionDefinition } from '../config/iam-options.js';
import { BUILT_IN_PERMISSIONS, type CatalogPermission, PERMISSION_NAME } from './permissions.js';

/**
 * The built-in permissions plus those a host application registers, by name.
 * A malformed, clashing or repeated registration throws: the boot stops.
 */
export function buildCatalog(registered: readonly PermissionDefinition[]): Map<string, CatalogPermission> {
  const byName = new Map<string, CatalogPermission>();
  for (const p of BUILT_IN_PERMISSIONS) byName.set(p.name, { ...p, builtIn: true });
  for (const p of registered) {
    if (!PERMISSION_NAME.test(p.name)) {
      throw new Error(`Permission '${p.name}' is not a valid name (expected ${PERMISSION_NAME})`);
    }
    const existing = byName.get(p.name);
    if (existing?.builtIn) throw new Error(`Permission '${p.name}' clashes with a built-in permission`);
    if (existing) throw new Error(`Permission '${p.name}' is registered twice`);
    byName.set(p.name, {
      name: p.name,
      description: p.description,
      category: p.category ?? 'feature',
      builtIn: false,
    });
  }
  return byName;
}

/** The permission catalog of this application. */
@Injectable()
export class PermissionCatalog {
  private readonly byName: Map<string, CatalogPermission>;
  /** Every name, sorted: what full_access grants, as `/me` lists it. */
  readonly sortedNames: readonly string[];

  constructor(@Inject(IAM_OPTIONS) options: IamOptions) {
    this.byName = buildCatalog(options.permissions ?? []);
    this.sortedNames = Object.freeze([...this.byName.keys()].sort());
  }

  all(): CatalogPermission[] {
    return [...this.byName.values()];
  }

  get(name: string): CatalogPermission | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The names in `names` that are not in the catalog. */
  unknown(names: readonly string[]): string[] {
    return names.filter((n) => !this.byName.has(n));
  }
}
