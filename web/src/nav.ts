/** The console's sections and the permissions that show each one (any of them; full_access shows all). */
export interface Section {
  path: string;
  label: string;
  permissions: string[];
}

export const SECTIONS: Section[] = [
  { path: '/users', label: 'User Management', permissions: ['manage_users'] },
  { path: '/roles', label: 'Roles & Permissions', permissions: ['manage_roles', 'manage_users'] },
  { path: '/audit', label: 'Audit Log', permissions: ['audit_log_data'] },
  { path: '/hygiene', label: 'Account Hygiene', permissions: ['manage_users'] },
  { path: '/account', label: 'My Account', permissions: [] },
];
