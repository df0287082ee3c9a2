import { Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../lib/auth';
import { formatDateTime } from '../../lib/format';
import { ChangePasswordForm } from './ChangePasswordForm';
import { MY_SESSIONS_KEY, MySessions } from './MySessions';
import { TwoFactorCard } from './TwoFactorCard';

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
}

/** My Account: who I am, where I am signed in, my password, and signing out. */
export function AccountPage() {
  const { me, signOut } = useAuth();
  const queryClient = useQueryClient();
  if (!me) return null;
  const { user } = me;
  // An API token has no session to list or end; the console itself only ever signs in sessions.
  const isSession = me.session !== null;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>My Account</Title>
        <Button variant="default" onClick={() => void signOut()}>
          Sign out
        </Button>
      </Group>
      <Paper withBorder p="md">
        <Title order={2} mb="sm">
          My details
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Field label="Username" value={user.username} />
          <Field label="Email" value={user.email} />
          <Field label="Role" value={`${user.roleDisplayName} (${user.role})`} />
          <Field label="Created At" value={formatDateTime(user.createdAt)} />
          <Field label="Last Login" value={formatDateTime(user.lastLoginAt)} />
          <Field label="Permissions" value={me.permissions.join(', ') || '—'} />
        </SimpleGrid>
      </Paper>
      {isSession && (
        <>
          <Paper withBorder p="md">
            <MySessions />
          </Paper>
          <Paper withBorder p="md" maw={520}>
            <TwoFactorCard />
          </Paper>
          <Paper withBorder p="md" maw={520}>
            <Title order={2} mb="sm">
              Change password
            </Title>
            <ChangePasswordForm
              onDone={async () => {
                await queryClient.invalidateQueries({ queryKey: MY_SESSIONS_KEY });
                notifications.show({
                  color: 'green',
                  message: 'Password changed. Your other sessions have ended.',
                });
              }}
            />
          </Paper>
        </>
      )}
    </Stack>
  );
}
