import type { ErrorCode } from './common/errors/error-codes.js';

interface NamedExample {
  summary: string;
  value: Record<string, unknown>;
}

/** The password of the docs' john.doe in the examples below: the login and password-change examples use it. */
const JOHN_PASSWORD = 'Harbor-Lantern-42';

/**
 * Request bodies by operation, named for the product docs' cases. Each succeeds when sent as shown,
 * in this order, by an administrator to a fresh service (test/openapi-examples.e2e-spec.ts replays
 * them): the role exists before a user is given it, john.doe exists before he logs in.
 */
export const REQUEST_EXAMPLES: Record<string, Record<string, NamedExample>> = {
  createRole: {
    'Report reader': {
      summary: 'A role of two feature permissions',
      value: {
        name: 'report_reader',
        displayName: 'Report Reader',
        description: 'Reads the process reports',
        permissions: ['portfolio_data', 'extended_dashboard_data'],
      },
    },
  },
  createUser: {
    'Regular user': {
      summary: 'A person who logs in with a password',
      value: {
        username: 'john.doe',
        email: 'john.doe@example.com',
        password: JOHN_PASSWORD,
        role: 'process_analyst',
      },
    },
    'API user': {
      summary: 'A system that calls the API with a token (shown once, in the answer)',
      value: {
        username: 'prometheus_scraper',
        email: 'prometheus@example.com',
        role: 'api_user',
        isApiUser: true,
        apiTokenTtlDays: 90,
      },
    },
  },
  login: {
    'Regular user': {
      summary: 'john.doe logs in for a day',
      value: { username: 'john.doe', password: JOHN_PASSWORD },
    },
    'Remember me': {
      summary: 'A session of 30 days instead of 24 hours',
      value: { username: 'john.doe', password: JOHN_PASSWORD, rememberMe: true },
    },
  },
  changeOwnPassword: {
    'Change my password': {
      summary: "The caller's current password, and a new one by the policy",
      value: { currentPassword: JOHN_PASSWORD, newPassword: 'Harbor-Lantern-43-Bay' },
    },
  },
  setupTotp: {
    'Enrol an authenticator app': {
      summary: "The caller's current password; the answer holds the secret and its otpauth URI",
      value: { currentPassword: 'Harbor-Lantern-43-Bay' },
    },
  },
  confirmTotp: {
    'First code': {
      summary: 'The code the app shows now (it changes every 30 seconds)',
      value: { code: '492039' },
    },
  },
  disableMfa: {
    'Switch off': {
      summary: 'The password and a current code (or an unused recovery code)',
      value: { currentPassword: 'Harbor-Lantern-43-Bay', code: '492039' },
    },
  },
  loginMfa: {
    'With the app': {
      summary: 'The mfaToken the login answered, and the code the app shows now',
      value: { mfaToken: 'Yp3kQ0v6m2cS1nH8rWbT4eLxZa9uJfGd7oRqKs5iEwA', code: '492039' },
    },
    'With a recovery code': {
      summary: 'One of the ten recovery codes; each works once',
      value: { mfaToken: 'Yp3kQ0v6m2cS1nH8rWbT4eLxZa9uJfGd7oRqKs5iEwA', code: 'k7m2p-x9qrt' },
    },
  },
  updateUser: {
    'Change role': {
      summary: 'Move the user to another role; holds from their next request',
      value: { role: 'process_operator' },
    },
    'Change e-mail': {
      summary: 'A new address, unique ignoring case',
      value: { email: 'j.doe@example.com' },
    },
    Deactivate: { summary: 'Reversible: isActive true lets the user in again', value: { isActive: false } },
  },
  regenerateUserToken: {
    'Replace at once': {
      summary: 'The previous token fails from the next request (the same as no body)',
      value: { graceHours: 0 },
    },
    'Rotate with a day of grace': {
      summary: 'The previous token keeps working for 24 hours, so its users can be moved first',
      value: { graceHours: 24 },
    },
  },
  updateRole: {
    'Rename for display': {
      summary: 'The name stays; displayName and description change',
      value: { displayName: 'Report Reader (EU)', description: 'Reads the EU process reports' },
    },
    'Change permissions': {
      summary: "Holds on every holder's next request",
      value: { permissions: ['portfolio_data', 'extended_dashboard_data', 'journey_analysis_data'] },
    },
    'Require MFA': {
      summary: 'Its users must sign in with a second factor; those without one enrol at their next login',
      value: { requireMfa: true },
    },
  },
};

/**
 * Operations whose bodies carry a code from an authenticator app, good for 30 seconds and once: their
 * examples show the shape only, and cannot be sent as they are. test/auth-mfa.e2e-spec.ts sends them
 * with real codes.
 */
export const ONE_TIME_CODE_OPERATIONS: readonly string[] = ['confirmTotp', 'disableMfa', 'loginMfa'];

/** What the success rows say where the route itself gives no description. */
export const SUCCESS_DESCRIPTIONS: Record<string, string> = {
  login: 'Logged in: the access token, when it expires, and the user',
  me: 'The caller, their effective permissions and the session',
  listOwnSessions: "The caller's live sessions",
  listUserSessions: "The user's live sessions",
  revokeUserSessions: 'How many sessions were revoked; their tokens fail from the next request',
  listUsers: 'One page of users, with the total number of matches',
  createUser: 'The user, and for an API user its token (shown this once only)',
  getUserHygiene: 'Accounts that need review, each with its reasons',
  getUser: 'The user',
  updateUser: 'The user as changed',
  resetUserPassword: 'A temporary password, shown this once; the user must change it at next login',
  regenerateUserToken:
    'The new token (shown this once), when it expires, and until when the previous one still works ' +
    '(null: it fails from now on)',
  toggleUserStatus: 'The user, with isActive flipped',
  listRoles: 'Every role, with how many users hold it',
  createRole: 'The role',
  getRole: 'The role',
  updateRole: 'The role as changed, with any separation-of-duty warnings',
  listPermissions: 'Every permission a role may hold',
  listAuditEntries: 'Entries, newest first, and the cursor of the next page (null on the last)',
  verifyAuditChain: 'Whether the hash chain holds, how many entries were checked, and the first broken one',
};

/** A message each code really answers with, for the error examples. */
export const ERROR_MESSAGES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'Validation failed',
  WEAK_PASSWORD: 'Password does not meet the policy',
  NOT_AN_API_USER: 'Only an API user has a token',
  API_USER_HAS_NO_PASSWORD: 'An API user has no password to reset',
  CANNOT_DELETE_SELF: 'You cannot delete your own account',
  INVALID_CURSOR: 'cursor is not a cursor of this list',
  UNAUTHENTICATED: 'Authentication required',
  INVALID_CREDENTIALS: 'Invalid username or password',
  TOKEN_REVOKED: 'Token has been revoked',
  TOKEN_EXPIRED: 'Token has expired',
  PERMISSION_DENIED: 'Missing permission: manage_users',
  API_ACCESS_REQUIRED: 'API tokens require the api_access permission',
  PASSWORD_CHANGE_REQUIRED: 'Change your password first',
  INTERACTIVE_LOGIN_NOT_ALLOWED: 'API users cannot log in; use the API token',
  ACCOUNT_DISABLED: 'Account is disabled',
  SESSION_REQUIRED: 'This needs a session, not an API token',
  PRIVILEGE_ESCALATION: 'Privilege escalation: you do not hold full_access',
  SYSTEM_ROLE: 'System roles cannot be deleted',
  NOT_FOUND: 'Not found',
  USER_NOT_FOUND: 'User not found',
  ROLE_NOT_FOUND: "Role 'auditor' not found",
  SESSION_NOT_FOUND: 'Session not found',
  USERNAME_TAKEN: 'Username already exists',
  EMAIL_TAKEN: 'Email already exists',
  ROLE_EXISTS: "Role 'report_reader' already exists",
  ROLE_IN_USE: 'Cannot delete role. 2 user(s) are assigned to this role',
  LAST_ADMINISTRATOR: 'The last active administrator must stay an active administrator',
  NO_PREVIOUS_TOKEN: 'This API user has no previous token in its grace',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported Content-Type; send application/json',
  INVALID_MFA_CODE: 'The code is not correct, or was used already',
  MFA_TOKEN_INVALID: 'This sign-in has expired or was used; log in again',
  MFA_ENROLLMENT_REQUIRED: 'Your role requires two-factor sign-in: set it up first',
  MFA_REQUIRED_BY_ROLE: 'Your role requires two-factor sign-in; it cannot be switched off',
  MFA_ALREADY_ENABLED: 'Two-factor sign-in is on already',
  MFA_NOT_ENABLED: 'Two-factor sign-in is not on',
  MFA_SETUP_REQUIRED: 'Set up an authenticator first',
  ACCOUNT_LOCKED: 'Too many failed attempts; try again later',
  RATE_LIMITED: 'Too many requests; try again later',
  DEPENDENCY_UNAVAILABLE: 'Not ready: database unavailable',
};

/** The validation example lists a field, as every VALIDATION_FAILED answer does. */
export const VALIDATION_DETAILS = [{ field: 'username', message: 'username is required' }];
