import { Navigate } from 'react-router';
import { useAuth } from '../lib/auth';
import { MfaEnrollment } from './account/MfaEnrollment';
import { ForcedStepPage } from './ForcedStepPage';

/** Where a user whose role requires two-factor sign-in lands until it is set up; nothing else works before. */
export function EnrolMfaPage() {
  const { token, me } = useAuth();
  if (!token) return <Navigate to="/signin" replace />;
  if (me?.user.mustChangePassword) return <Navigate to="/change-password" replace />;
  return (
    <ForcedStepPage
      title="Set up two-factor sign-in"
      notice={!!me?.mfaEnrollmentRequired && 'Your role requires two-factor sign-in before you continue.'}
      width={460}
    >
      {(done) => <MfaEnrollment onDone={done} />}
    </ForcedStepPage>
  );
}
