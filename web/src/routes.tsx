import { lazy } from 'react';
import { createBrowserRouter } from 'react-router';
import { HomeRedirect, RequirePermission, RequireSession } from './guards';
import { Layout } from './Layout';
import { SECTIONS } from './nav';
import { ChangePasswordPage } from './screens/ChangePasswordPage';
import { EnrolMfaPage } from './screens/EnrolMfaPage';
import { SignInPage } from './screens/SignInPage';

// Each section loads on first visit, so the sign-in screen stays small.
const UsersPage = lazy(() => import('./screens/users/UsersPage').then((m) => ({ default: m.UsersPage })));
const UserDetailPage = lazy(() =>
  import('./screens/users/UserDetailPage').then((m) => ({ default: m.UserDetailPage })),
);
const RolesPage = lazy(() => import('./screens/roles/RolesPage').then((m) => ({ default: m.RolesPage })));
const AuditPage = lazy(() => import('./screens/audit/AuditPage').then((m) => ({ default: m.AuditPage })));
const HygienePage = lazy(() =>
  import('./screens/hygiene/HygienePage').then((m) => ({ default: m.HygienePage })),
);
const AccountPage = lazy(() =>
  import('./screens/account/AccountPage').then((m) => ({ default: m.AccountPage })),
);

const need = (path: string) => SECTIONS.find((s) => s.path === path)!.permissions;

/** The console lives under the path the service serves it at (Vite's base, /admin/ by default). */
export const router = createBrowserRouter(
  [
    { path: '/signin', element: <SignInPage /> },
    { path: '/change-password', element: <ChangePasswordPage /> },
    { path: '/enrol-mfa', element: <EnrolMfaPage /> },
    {
      element: <RequireSession />,
      children: [
        {
          element: <Layout />,
          children: [
            { index: true, element: <HomeRedirect /> },
            {
              path: 'users',
              element: (
                <RequirePermission permissions={need('/users')}>
                  <UsersPage />
                </RequirePermission>
              ),
            },
            {
              path: 'users/:id',
              element: (
                <RequirePermission permissions={need('/users')}>
                  <UserDetailPage />
                </RequirePermission>
              ),
            },
            {
              path: 'roles',
              element: (
                <RequirePermission permissions={need('/roles')}>
                  <RolesPage />
                </RequirePermission>
              ),
            },
            {
              path: 'audit',
              element: (
                <RequirePermission permissions={need('/audit')}>
                  <AuditPage />
                </RequirePermission>
              ),
            },
            {
              path: 'hygiene',
              element: (
                <RequirePermission permissions={need('/hygiene')}>
                  <HygienePage />
                </RequirePermission>
              ),
            },
            { path: 'account', element: <AccountPage /> },
            { path: '*', element: <HomeRedirect /> },
          ],
        },
      ],
    },
  ],
  { basename: import.meta.env.BASE_URL.replace(/\/$/, '') },
);
