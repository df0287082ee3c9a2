import { Permission } from '../common/auth/permission.js';
import type { PermissionDefinition } from '../config/iam-options.js';

export const PERMISSION_NAME = /^[a-z][a-z0-9_]{1,62}$/;

export interface CatalogPermission extends Required<PermissionDefinition> {
  builtIn: boolean;
}

/** The catalog's built-in entries: one for each name in `Permission`. */
export const BUILT_IN_PERMISSIONS: readonly Required<PermissionDefinition>[] = [
  { name: Permission.FullAccess, category: 'administrative', description: 'Passes every permission check' },
  {
    name: Permission.ManageUsers,
    category: 'administrative',
    description: 'Create, edit, deactivate and delete users; reset passwords; manage API tokens and sessions',
  },
  { name: Permission.ManageRoles, category: 'administrative', description: 'Create, edit and delete roles' },
  {
    name: Permission.AuditLog,
    category: 'administrative',
    description: 'Read, export and verify the audit log',
  },
  { name: Permission.Portfolio, category: 'feature', description: 'Process portfolio' },
  { name: Permission.ExtendedDashboard, category: 'feature', description: 'Extended dashboards' },
  { name: Permission.AiAnalysis, category: 'feature', description: 'AI analysis' },
  { name: Permission.HealthMonitor, category: 'feature', description: 'Health monitoring and metrics' },
  { name: Permission.JourneyAnalysis, category: 'feature', description: 'Journey analysis' },
  { name: Permission.DiffTool, category: 'feature', description: 'Model diff tool' },
  { name: Permission.ModelValidation, category: 'feature', description: 'Model validation' },
  { name: Permission.BpmnAnalysis, category: 'feature', description: 'BPMN analysis' },
  { name: Permission.DmnAnalysis, category: 'feature', description: 'DMN analysis' },
  {
    name: Permission.ApiAccess,
    category: 'feature',
    description: 'Call the API with an API token (required on every such request)',
  },
];

/** Whether a permission set satisfies any one of `required` (full_access satisfies all). */
export function satisfiesAny(held: ReadonlySet<string>, required: readonly string[]): boolean {
  if (held.has(Permission.FullAccess)) return true;
  return required.some((p) => held.has(p));
}

/** Whether an API token of a user holding `permissions` gets past the api_access check at all. */
export function grantsApiAccess(permissions: readonly string[]): boolean {
  return permissions.includes(Permission.FullAccess) || permissions.includes(Permission.ApiAccess);
}
