import { Alert, Button, Center, Paper, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate } from 'react-router';
import { useAuth } from '../lib/auth';
import { MfaEnrollment } from './account/MfaEnrollment';

/** Where a user whose role requires two-factor sign-in lands until it is set up; nothing else works before. */
export function EnrolMfaPage() {
  const { token, me, signOut } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (!token) return <Navigate to="/signin" replace />;
  if (me?.user.mustChangePassword) return <Navigate to="/change-password" replace />;
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={460} component="main">
        <Stack>
          <Title order={1} size="h3">
            Set up two-factor sign-in
          </Title>
          {me?.mfaEnrollmentRequired && (
            <Alert color="yellow">Your role requires two-factor sign-in before you continue.</Alert>
          )}
          <MfaEnrollment
            onDone={async () => {
              await queryClient.invalidateQueries({ queryKey: ['me'] });
              navigate('/', { replace: true });
            }}
          />
          <Button variant="subtle" onClick={() => void signOut()}>
            Sign out
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
