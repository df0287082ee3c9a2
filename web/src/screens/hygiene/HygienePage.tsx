import { Anchor, Badge, Group, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { EmptyState, QueryState } from '../../components/QueryState';
import { api, type Schemas, unwrap } from '../../lib/api';

type Reason = Schemas['HygieneReasonDto'];
const PAGE_SIZE = 50;

// Red for what is broken now, yellow for what needs a look soon, grey for the rest.
const REASON_COLOR: Record<string, string> = {
  token_expired: 'red',
  repeated_failed_logins: 'red',
  token_expiring: 'yellow',
  token_never_expires: 'yellow',
};

function ReasonBadge({ reason }: { reason: Reason }) {
  const color = REASON_COLOR[reason.code] ?? 'gray';
  return (
    <Badge
      color={color}
      c={color === 'yellow' ? 'dark' : undefined}
      variant="filled"
      tt="none"
      title={reason.code}
    >
      {reason.message}
    </Badge>
  );
}

/** Account Hygiene: the accounts the hygiene report asks an administrator to review, with its reasons. */
export function HygienePage() {
  const [sp, setSp] = useSearchParams();
  const page = Math.max(1, Number(sp.get('page')) || 1);
  const report = useQuery({
    queryKey: ['users', 'hygiene', page],
    queryFn: () =>
      unwrap(api.GET('/auth/api/users/hygiene', { params: { query: { page, pageSize: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
  const data = report.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <Stack>
      <Title order={1}>Account Hygiene</Title>
      <Text size="sm">
        Accounts that need a look: never signed in, repeated failed sign-ins, API tokens that never expire,
        are expiring or have expired, and inactive accounts.
      </Text>
      <QueryState isPending={report.isPending} error={report.error} onRetry={() => void report.refetch()}>
        {data && data.items.length === 0 ? (
          <EmptyState title="Nothing to review">Every account is in order. Check back later.</EmptyState>
        ) : (
          data && (
            <>
              <Text size="sm">
                {data.total} {data.total === 1 ? 'account' : 'accounts'} to review
              </Text>
              <Table aria-label="Accounts to review" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>User</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Reasons</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map(({ user, reasons }) => (
                    <Table.Tr key={user.id} data-testid={`hygiene-row-${user.username}`}>
                      <Table.Td>
                        <Anchor component={Link} to={`/users/${user.id}`} fw={500}>
                          {user.username}
                        </Anchor>
                        {user.isApiUser && (
                          <Text size="xs" component="span">
                            {' '}
                            (API user)
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{user.roleDisplayName}</Table.Td>
                      <Table.Td>
                        <Group gap={6}>
                          {reasons.map((r) => (
                            <ReasonBadge key={r.code} reason={r} />
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {pages > 1 && (
                <Pagination
                  total={pages}
                  value={page}
                  onChange={(p) => setSp(p > 1 ? { page: String(p) } : {})}
                  getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                />
              )}
            </>
          )
        )}
      </QueryState>
    </Stack>
  );
}
