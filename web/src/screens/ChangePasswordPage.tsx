import { Alert, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate } from 'react-router';
import { useAuth } from '../lib/auth';
import { ChangePasswordForm } from './account/ChangePasswordForm';

/** Where a forced password change (first sign-in, after a reset) lands; nothing else works until it's done. */
export function ChangePasswordPage() {
  const { token, me, signOut } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (!token) return <Navigate to="/signin" replace />;
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} component="main">
        <Stack>
          <Title order={1} size="h3">
            Change your password
          </Title>
          {me?.user.mustChangePassword && (
            <Alert color="yellow">You must choose a new password before you continue.</Alert>
          )}
          <ChangePasswordForm
            onDone={async () => {
              await queryClient.invalidateQueries({ queryKey: ['me'] });
              navigate('/', { replace: true });
            }}
          />
          <Button variant="subtle" onClick={() => void signOut()}>
            Sign out
          </Button>
          <Text size="xs" c="dimmed">
            Your other sessions end when the password changes.
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
