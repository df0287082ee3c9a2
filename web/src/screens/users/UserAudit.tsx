import { Anchor, Badge, Table, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Forbidden } from '../../components/Forbidden';
import { EmptyState, QueryState } from '../../components/QueryState';
import { api, type User, unwrap } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { formatDateTime } from '../../lib/format';
import { USERS_KEY } from './queries';

const OUTCOME_COLOR = { success: 'green', failure: 'red', denied: 'yellow' } as const;

/** The latest audit entries about this user, for callers who may read the audit log. */
export function UserAudit({ user }: { user: User }) {
  const { can } = useAuth();
  const allowed = can('audit_log_data');
  const query = { targetType: 'user', targetId: String(user.id), limit: 20 };
  const entries = useQuery({
    queryKey: [...USERS_KEY, 'audit', user.id],
    queryFn: () => unwrap(api.GET('/auth/api/audit', { params: { query } })),
    enabled: allowed,
  });
  return (
    <section aria-labelledby="audit-title">
      <Title order={2} size="h3" id="audit-title" mb="xs">
        Recent audit entries
      </Title>
      {!allowed ? (
        <Forbidden permissions={['audit_log_data']} />
      ) : (
        <QueryState isPending={entries.isPending} error={entries.error}>
          {entries.data?.items.length === 0 ? (
            <EmptyState title="No audit entries about this user" />
          ) : (
            <Table.ScrollContainer minWidth={600}>
              <Table aria-label={`Audit entries about ${user.username}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>By</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {entries.data?.items.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{formatDateTime(e.at)}</Table.Td>
                      <Table.Td>{e.action}</Table.Td>
                      <Table.Td>{e.actorUsername ?? '—'}</Table.Td>
                      <Table.Td>
                        <Badge
                          color={OUTCOME_COLOR[e.outcome]}
                          c={e.outcome === 'denied' ? 'dark' : undefined}
                        >
                          {e.outcome}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Anchor component={Link} to={`/audit?targetType=user&targetId=${user.id}`} size="sm">
            All entries in the Audit Log
          </Anchor>
        </QueryState>
      )}
    </section>
  );
}
