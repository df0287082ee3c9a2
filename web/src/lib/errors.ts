import type { IamComponents } from '../../../client/iam-client';

type ErrorBody = IamComponents['schemas']['ErrorResponseDto'];
export type ErrorCode = ErrorBody['code'];

// A human sentence for every code of the contract; the server's own message adds the specifics.
const MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: 'Some fields need attention.',
  WEAK_PASSWORD: 'The password does not meet the password rules.',
  NOT_AN_API_USER: 'This action is only for API users.',
  API_USER_HAS_NO_PASSWORD: 'API users have no password; they use their API token.',
  CANNOT_DELETE_SELF: 'You cannot delete your own account.',
  CANNOT_DEACTIVATE_SELF: 'You cannot deactivate your own account.',
  ROLE_LACKS_API_ACCESS: 'An API user needs a role that grants api_access.',
  INVALID_CURSOR: 'The page link is no longer valid; start again from the first page.',
  UNAUTHENTICATED: 'Please sign in.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  TOKEN_REVOKED: 'Your session has ended. Please sign in again.',
  TOKEN_EXPIRED: 'Your session has expired. Please sign in again.',
  PERMISSION_DENIED: 'You do not have the permission this needs.',
  API_ACCESS_REQUIRED: 'This token needs the api_access permission.',
  PASSWORD_CHANGE_REQUIRED: 'You must change your password before you continue.',
  MFA_ENROLLMENT_REQUIRED: 'Your role requires two-factor sign-in: set it up under My Account first.',
  MFA_REQUIRED_BY_ROLE: 'Your role requires two-factor sign-in; it cannot be switched off.',
  INVALID_MFA_CODE: 'That code is not correct, or was used already.',
  MFA_TOKEN_INVALID: 'This sign-in has expired. Please sign in again.',
  MFA_ALREADY_ENABLED: 'Two-factor sign-in is on already.',
  MFA_NOT_ENABLED: 'Two-factor sign-in is not on.',
  MFA_SETUP_REQUIRED: 'Start the setup again.',
  INTERACTIVE_LOGIN_NOT_ALLOWED: 'API users cannot sign in here; they use their API token.',
  ACCOUNT_DISABLED: 'This account is deactivated. Ask an administrator to reactivate it.',
  SESSION_REQUIRED: 'This needs a signed-in session, not an API token.',
  PRIVILEGE_ESCALATION: 'You cannot act on accounts or roles with permissions you do not hold.',
  SYSTEM_ROLE: 'System roles cannot be deleted and their permissions are fixed.',
  NOT_FOUND: 'Not found.',
  USER_NOT_FOUND: 'This user no longer exists.',
  ROLE_NOT_FOUND: 'This role does not exist.',
  SESSION_NOT_FOUND: 'This session has already ended.',
  METHOD_NOT_ALLOWED: 'This action is not allowed here.',
  USERNAME_TAKEN: 'That username is taken.',
  EMAIL_TAKEN: 'That e-mail address is already in use.',
  ROLE_EXISTS: 'A role with this name already exists.',
  ROLE_IN_USE: 'Cannot delete a role while users are assigned to it.',
  LAST_ADMINISTRATOR: 'This would leave no active administrator.',
  CONFLICT: 'Someone changed this at the same time; reload and try again.',
  PAYLOAD_TOO_LARGE: 'The request is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'The request format is not supported.',
  ACCOUNT_LOCKED: 'Too many failed attempts. Sign-in is locked for a while.',
  RATE_LIMITED: 'Too many requests. Please wait a moment.',
  INTERNAL_ERROR: 'Something went wrong on the server. Try again; if it persists, check the service logs.',
  DEPENDENCY_UNAVAILABLE: 'The database or cache is unavailable right now. Try again shortly.',
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly details: { field: string; message: string }[] = [],
    /** Seconds to wait, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(serverMessage || MESSAGES[code] || `Request failed (${status})`);
  }

  static from(response: Response, body: unknown): ApiError {
    const b = (body ?? {}) as Partial<ErrorBody>;
    const retry = Number(response.headers.get('Retry-After'));
    return new ApiError(
      response.status,
      b.code ?? (response.status >= 500 ? 'INTERNAL_ERROR' : 'NOT_FOUND'),
      b.message ?? '',
      b.details ?? [],
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }

  /** What to show a person: the contract code's sentence, with the server's specifics. */
  get human(): string {
    const base = MESSAGES[this.code];
    if (!base) return this.serverMessage || `Request failed (${this.status})`;
    if (!this.serverMessage || this.serverMessage === base) return base;
    return `${base} ${this.serverMessage}`;
  }
}

export function humanMessage(code: string): string {
  return MESSAGES[code] ?? code;
}

/** Field → message, for a form to show each server-side rule at its field. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const d of error.details) out[d.field] = out[d.field] ? `${out[d.field]}; ${d.message}` : d.message;
  if (error.code === 'WEAK_PASSWORD' && !out.password && !out.newPassword) out.password = error.serverMessage;
  if (error.code === 'USERNAME_TAKEN') out.username = error.human;
  if (error.code === 'EMAIL_TAKEN') out.email = error.human;
  if (error.code === 'ROLE_LACKS_API_ACCESS' || error.code === 'ROLE_NOT_FOUND') out.role = error.human;
  if (error.code === 'ROLE_EXISTS') out.name = error.human;
  return out;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.human;
  if (error instanceof Error) return error.message;
  return String(error);
}
