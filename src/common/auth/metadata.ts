export const IS_PUBLIC_KEY = 'iam:isPublic';
export const REQUIRED_PERMISSIONS_KEY = 'iam:requiredPermissions';
export const ALLOW_PASSWORD_CHANGE_PENDING_KEY = 'iam:allowWhilePasswordChangeRequired';
export const ALLOW_MFA_ENROLLMENT_PENDING_KEY = 'iam:allowWhileMfaEnrollmentRequired';
