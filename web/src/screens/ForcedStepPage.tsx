import { Alert, Button, Center, Paper, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useAuth } from '../lib/auth';

/**
 * A step the server requires before anything else works (a password change, two-factor enrolment): the
 * step alone on the page, with a way out by signing out. `children` gets what to call once it is done.
 */
export function ForcedStepPage({
  title,
  notice,
  width,
  footer,
  children,
}: {
  title: string;
  notice: string | false;
  width: number;
  footer?: ReactNode;
  children: (done: () => Promise<void>) => ReactNode;
}) {
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: ['me'] });
    navigate('/', { replace: true });
  };
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={width} component="main">
        <Stack>
          <Title order={1} size="h3">
            {title}
          </Title>
          {notice && <Alert color="yellow">{notice}</Alert>}
          {children(done)}
          <Button variant="subtle" onClick={() => void signOut()}>
            Sign out
          </Button>
          {footer}
        </Stack>
      </Paper>
    </Center>
  );
}
