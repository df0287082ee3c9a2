import { Text } from '@mantine/core';
import { Navigate } from 'react-router';
import { useAuth } from '../lib/auth';
import { ChangePasswordForm } from './account/ChangePasswordForm';
import { ForcedStepPage } from './ForcedStepPage';

/** Where a forced password change (first sign-in, after a reset) lands; nothing else works until it's done. */
export function ChangePasswordPage() {
  const { token, me } = useAuth();
  if (!token) return <Navigate to="/signin" replace />;
  return (
    <ForcedStepPage
      title="Change your password"
      notice={!!me?.user.mustChangePassword && 'You must choose a new password before you continue.'}
      width={420}
      footer={
        <Text size="xs" c="dimmed">
          Your other sessions end when the password changes.
        </Text>
      }
    >
      {(done) => <ChangePasswordForm onDone={done} />}
    </ForcedStepPage>
  );
}
