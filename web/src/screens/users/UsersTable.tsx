import { Anchor, Badge, Table, Text, UnstyledButton } from '@mantine/core';
import { Link } from 'react-router';
import { TokenExpiryBadge } from '../../components/TokenExpiryBadge';
import { TokenUsage } from '../../components/TokenUsage';
import type { User } from '../../lib/api';

import { UserActionsMenu } from './UserActionsMenu';
import type { UserAction } from './useUserActions';
import type { SortKey, UserListParams } from './useUserListParams';

function SortHeader({
  label,
  field,
  params,
  onSort,
}: {
  label: string;
  field: SortKey;
  params: UserListParams;
  onSort: (field: SortKey) => void;
}) {
  const active = params.sort === field;
  const sort = active ? (params.order === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <Table.Th aria-sort={sort}>
      <UnstyledButton onClick={() => onSort(field)} fw={700} fz="sm">
        {label}
        <span aria-hidden="true">{active ? (params.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
      </UnstyledButton>
    </Table.Th>
  );
}

/** Date over time, each kept whole, so a narrow column takes two lines rather than four. */
function When({ iso }: { iso: string | null }) {
  if (!iso) return <>Never</>;
  const d = new Date(iso);
  return (
    <>
      <span style={{ whiteSpace: 'nowrap' }}>{d.toLocaleDateString(undefined, { dateStyle: 'medium' })}</span>{' '}
      <span style={{ whiteSpace: 'nowrap' }}>{d.toLocaleTimeString(undefined, { timeStyle: 'short' })}</span>
    </>
  );
}

const yesNo = (v: boolean, yes: string, no: string) => (
  <Badge color={v ? 'green' : 'gray'} miw="max-content">
    {v ? yes : no}
  </Badge>
);

/** The User Management table with the docs' columns; Username, Created At and Last Login sort. */
export function UsersTable({
  users,
  params,
  onSort,
  onAction,
  caption,
}: {
  users: User[];
  params: UserListParams;
  onSort: (field: SortKey) => void;
  onAction: (action: UserAction, user: User) => void;
  caption: string;
}) {
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped highlightOnHover fz="sm" verticalSpacing="xs" aria-label={caption}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>ID</Table.Th>
            <SortHeader label="Username" field="username" params={params} onSort={onSort} />
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Is Active</Table.Th>
            <Table.Th>Is API User</Table.Th>
            <Table.Th>MFA</Table.Th>
            <Table.Th>API Token Expires</Table.Th>
            <SortHeader label="Created At" field="createdAt" params={params} onSort={onSort} />
            <SortHeader label="Last Login" field="lastLoginAt" params={params} onSort={onSort} />
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.id} data-testid={`user-row-${u.username}`}>
              <Table.Td>{u.id}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/users/${u.id}`} fw={500}>
                  {u.username}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {/* A long address may break before its domain, nowhere else. */}
                {u.email.split('@')[0]}
                <wbr />@{u.email.split('@').slice(1).join('@')}
              </Table.Td>
              <Table.Td>
                <Text size="sm" title={u.role}>
                  {u.roleDisplayName}
                </Text>
              </Table.Td>
              <Table.Td data-testid="is-active">{yesNo(u.isActive, 'Active', 'Inactive')}</Table.Td>
              <Table.Td>{yesNo(u.isApiUser, 'Yes', 'No')}</Table.Td>
              <Table.Td data-testid="mfa">{u.isApiUser ? '—' : yesNo(u.mfaEnabled, 'On', 'Off')}</Table.Td>
              <Table.Td>
                <TokenExpiryBadge user={u} />
                <TokenUsage user={u} />
              </Table.Td>
              <Table.Td>
                <When iso={u.createdAt} />
              </Table.Td>
              <Table.Td>
                <When iso={u.lastLoginAt} />
              </Table.Td>
              <Table.Td>
                <UserActionsMenu user={u} onAction={onAction} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
