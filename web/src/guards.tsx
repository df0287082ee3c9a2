import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { Forbidden } from './components/Forbidden';
import { useAuth } from './lib/auth';
import { SECTIONS } from './nav';

/**
 * Signed in, with the password changed and a second factor enrolled if the server asks for them;
 * otherwise to the sign-in screen.
 */
export function RequireSession() {
  const { token, me, loading } = useAuth();
  const location = useLocation();
  if (!token) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  if (loading || !me)
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (me.user.mustChangePassword) return <Navigate to="/change-password" replace />;
  if (me.mfaEnrollmentRequired) return <Navigate to="/enrol-mfa" replace />;
  return <Outlet />;
}

/** A screen that needs one of these permissions shows which is missing instead of a broken page. */
export function RequirePermission({ permissions, children }: { permissions: string[]; children: ReactNode }) {
  const { can } = useAuth();
  if (permissions.length > 0 && !can(...permissions)) return <Forbidden permissions={permissions} />;
  return <>{children}</>;
}

/** `/`: the first section the caller may see. */
export function HomeRedirect() {
  const { can } = useAuth();
  const first = SECTIONS.find((s) => s.permissions.length === 0 || can(...s.permissions));
  return <Navigate to={first?.path ?? '/account'} replace />;
}
