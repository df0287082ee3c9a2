import { Anchor, Badge, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { QueryState } from '../../components/QueryState';
import { TokenExpiryBadge } from '../../components/TokenExpiryBadge';
import type { User } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useUser } from './queries';
import { UserActionsMenu } from './UserActionsMenu';
import { UserAudit } from './UserAudit';
import { UserSessions } from './UserSessions';
import { useUserActions } from './useUserActions';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" fw={700} component="dt">
        {label}
      </Text>
      <Text size="sm" component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

function UserFields({ user }: { user: User }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} component="dl" spacing="sm" m={0}>
      <Field label="ID">{user.id}</Field>
      <Field label="Username">{user.username}</Field>
      <Field label="Email">{user.email}</Field>
      <Field label="Role">
        {user.roleDisplayName} ({user.role})
      </Field>
      <Field label="Is Active">{user.isActive ? 'Yes' : 'No'}</Field>
      <Field label="Is API User">{user.isApiUser ? 'Yes' : 'No'}</Field>
      {user.isApiUser && (
        <Field label="API Token Expires">
          <TokenExpiryBadge user={user} />
        </Field>
      )}
      {user.isApiUser && (
        <Field label="API Token Last Used">
          {user.apiTokenLastUsedAt ? formatDateTime(user.apiTokenLastUsedAt) : 'Never'}
        </Field>
      )}
      {user.isApiUser && user.previousTokenValidUntil && (
        <>
          <Field label="Previous Token Works Until">{formatDateTime(user.previousTokenValidUntil)}</Field>
          <Field label="Previous Token Last Used">
            {user.previousTokenLastUsedAt ? formatDateTime(user.previousTokenLastUsedAt) : 'Never'}
          </Field>
        </>
      )}
      <Field label="Must change password">{user.mustChangePassword ? 'Yes' : 'No'}</Field>
      <Field label="Created At">{formatDateTime(user.createdAt)}</Field>
      <Field label="Last Login">{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : 'Never'}</Field>
    </SimpleGrid>
  );
}

/** One user: their fields, live sessions, recent audit entries, and the same Actions as the list. */
export function UserDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const user = useUser(id);
  const actions = useUserActions({ onDeleted: () => navigate('/users', { replace: true }) });
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/users" size="sm">
        ← User Management
      </Anchor>
      <QueryState isPending={user.isPending} error={user.error} onRetry={() => void user.refetch()}>
        {user.data && (
          <>
            <Group justify="space-between">
              <Group gap="sm">
                <Title order={1}>{user.data.username}</Title>
                <Badge color={user.data.isActive ? 'green' : 'gray'}>
                  {user.data.isActive ? 'Active' : 'Inactive'}
                </Badge>
              </Group>
              <UserActionsMenu user={user.data} onAction={(a, u) => void actions.run(a, u)} />
            </Group>
            <UserFields user={user.data} />
            <UserSessions user={user.data} onRevoke={() => void actions.run('revoke', user.data)} />
            <UserAudit user={user.data} />
          </>
        )}
      </QueryState>
      {actions.dialogs}
    </Stack>
  );
}
