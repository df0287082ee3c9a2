import { Button, Group, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { EmptyState, QueryState } from '../../components/QueryState';
import { api, type User, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { USERS_KEY } from './queries';

/** A user's live sessions; the API ends them all at once (Revoke Sessions). */
export function UserSessions({ user, onRevoke }: { user: User; onRevoke: () => void }) {
  const sessions = useQuery({
    queryKey: [...USERS_KEY, 'sessions', user.id],
    queryFn: () => unwrap(api.GET('/auth/api/users/{id}/sessions', { params: { path: { id: user.id } } })),
  });
  const count = sessions.data?.length ?? 0;
  return (
    <section aria-labelledby="sessions-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3" id="sessions-title">
          Live sessions
        </Title>
        <Button color="red" variant="light" c="red.9" onClick={onRevoke} disabled={count === 0}>
          Revoke Sessions
        </Button>
      </Group>
      <QueryState isPending={sessions.isPending} error={sessions.error}>
        {count === 0 ? (
          <EmptyState title="No live sessions">
            {user.isApiUser
              ? 'API users call the API with their token, not a session.'
              : 'They are signed out.'}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table aria-label={`Sessions of ${user.username}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Started</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>IP</Table.Th>
                  <Table.Th>Browser</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.data?.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{formatDateTime(s.createdAt)}</Table.Td>
                    <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
                    <Table.Td>
                      {formatDateTime(s.expiresAt)}
                      {s.rememberMe && ' (remembered)'}
                    </Table.Td>
                    <Table.Td>{s.ip ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1} title={s.userAgent ?? undefined}>
                        {s.userAgent ?? '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </section>
  );
}
