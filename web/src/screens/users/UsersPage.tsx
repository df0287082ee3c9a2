import { Button, Group, Pagination, Select, Stack, Text, Title } from '@mantine/core';
import { EmptyState, QueryState } from '../../components/QueryState';
import { useUserList } from './queries';
import { UserFilters } from './UserFilters';
import { UsersTable } from './UsersTable';
import { useUserActions } from './useUserActions';
import { hasFilters, PAGE_SIZES, type SortKey, useUserListParams } from './useUserListParams';

/** "about N" when the server only estimates the count (very large lists). */
function totalText(data: { total: number }): string {
  const estimated = 'totalExact' in data && (data as { totalExact?: boolean }).totalExact === false;
  const n = data.total.toLocaleString();
  return `${estimated ? `about ${n}` : n} ${data.total === 1 ? 'user' : 'users'}`;
}

export function UsersPage() {
  const { params, update, clear } = useUserListParams();
  const list = useUserList(params);
  const actions = useUserActions();

  const onSort = (field: SortKey) => {
    // Names read best A→Z first, dates newest first.
    const first = field === 'username' ? 'asc' : 'desc';
    const order = params.sort === field ? (params.order === 'asc' ? 'desc' : 'asc') : first;
    update({ sort: field, order });
  };

  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / params.pageSize)) : 1;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>User Management</Title>
        <Button onClick={actions.create}>Create New User</Button>
      </Group>
      <UserFilters params={params} update={update} clear={clear} />
      <QueryState isPending={list.isPending} error={list.error} onRetry={() => void list.refetch()}>
        {data && data.items.length === 0 ? (
          hasFilters(params) ? (
            <EmptyState title="No users match these filters">
              Change the search or{' '}
              <Button variant="subtle" size="compact-sm" onClick={clear}>
                clear filters
              </Button>
            </EmptyState>
          ) : (
            <EmptyState title="No users yet">Click Create New User to add the first one.</EmptyState>
          )
        ) : (
          data && (
            <>
              <Text size="sm" data-testid="user-total" aria-live="polite">
                {totalText(data)}
              </Text>
              <UsersTable
                users={data.items}
                params={params}
                onSort={onSort}
                onAction={(a, u) => void actions.run(a, u)}
                caption={`Users, page ${params.page} of ${pages}`}
              />
              <Group justify="space-between">
                <Pagination
                  total={pages}
                  value={params.page}
                  onChange={(page) => update({ page })}
                  getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                />
                <Select
                  label="Page size"
                  data={PAGE_SIZES.map(String)}
                  value={String(params.pageSize)}
                  onChange={(v) => v && update({ pageSize: Number(v) })}
                  allowDeselect={false}
                  w={110}
                />
              </Group>
            </>
          )
        )}
      </QueryState>
      {actions.dialogs}
    </Stack>
  );
}
