/**
 * The built-in permissions, typed, for `@RequirePermission(Permission.ManageUsers)` and for every rule that
 * names one. They live in common because every module's routes require them, audit and metrics included,
 * and those may not import the roles module; the roles module builds the catalog from them. A host
 * application registers its own names next to these.
 */
export const Permission = {
  /** Passes every permission check. */
  FullAccess: 'full_access',
  ManageUsers: 'manage_users',
  ManageRoles: 'manage_roles',
  AuditLog: 'audit_log_data',
  Portfolio: 'portfolio_data',
  ExtendedDashboard: 'extended_dashboard_data',
  AiAnalysis: 'ai_analysis_data',
  HealthMonitor: 'health_monitor_data',
  JourneyAnalysis: 'journey_analysis_data',
  DiffTool: 'diff_tool_data',
  ModelValidation: 'model_validation_data',
  BpmnAnalysis: 'bpmn_analysis_data',
  DmnAnalysis: 'dmn_analysis_data',
  /** Required, in addition, on every request made with an API token. */
  ApiAccess: 'api_access',
} as const;

export type BuiltInPermission = (typeof Permission)[keyof typeof Permission];
