import type { PermissionDefinition } from '../config/iam-options.js';

/** Passes every permission check. */
export const FULL_ACCESS = 'full_access';
/** Required, in addition, on every request made with an API token. */
export const API_ACCESS = 'api_access';

export const PERMISSION_NAME = /^[a-z][a-z0-9_]{1,62}$/;

export interface CatalogPermission extends Required<PermissionDefinition> {
  builtIn: boolean;
}

export const BUILT_IN_PERMISSIONS: readonly Required<PermissionDefinition>[] = [
  { name: FULL_ACCESS, category: 'administrative', description: 'Passes every permission check' },
  {
    name: 'manage_users',
    category: 'administrative',
    description: 'Create, edit, deactivate and delete users; reset passwords; manage API tokens and sessions',
  },
  { name: 'manage_roles', category: 'administrative', description: 'Create, edit and delete roles' },
  {
    name: 'audit_log_data',
    category: 'administrative',
    description: 'Read, export and verify the audit log',
  },
  { name: 'portfolio_data', category: 'feature', description: 'Process portfolio' },
  { name: 'extended_dashboard_data', category: 'feature', description: 'Extended dashboards' },
  { name: 'ai_analysis_data', category: 'feature', description: 'AI analysis' },
  { name: 'health_monitor_data', category: 'feature', description: 'Health monitoring and metrics' },
  { name: 'journey_analysis_data', category: 'feature', description: 'Journey analysis' },
  { name: 'diff_tool_data', category: 'feature', description: 'Model diff tool' },
  { name: 'model_validation_data', category: 'feature', description: 'Model validation' },
  { name: 'bpmn_analysis_data', category: 'feature', description: 'BPMN analysis' },
  { name: 'dmn_analysis_data', category: 'feature', description: 'DMN analysis' },
  {
    name: API_ACCESS,
    category: 'feature',
    description: 'Call the API with an API token (required on every such request)',
  },
];

/** Whether a permission set satisfies any one of `required` (full_access satisfies all). */
export function satisfiesAny(held: ReadonlySet<string>, required: readonly string[]): boolean {
  if (held.has(FULL_ACCESS)) return true;
  return required.some((p) => held.has(p));
}

/** Whether an API token of a user holding `permissions` gets past the api_access check at all. */
export function grantsApiAccess(permissions: readonly string[]): boolean {
  return permissions.includes(FULL_ACCESS) || permissions.includes(API_ACCESS);
}
