import { Button, Group, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { EmptyState, QueryState } from '../../components/QueryState';
import { SessionsTable } from '../../components/SessionsTable';
import { api, type User, unwrap } from '../../lib/api';
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
          <SessionsTable sessions={sessions.data ?? []} label={`Sessions of ${user.username}`} />
        )}
      </QueryState>
    </section>
  );
}
