import { Button, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { EmptyState, QueryState } from '../../components/QueryState';
import { api, unwrap } from '../../lib/api';
import { AuditFilterForm } from './AuditFilterForm';
import { AuditTable } from './AuditTable';
import { ExportButtons } from './ExportButtons';
import { filterQuery, useAuditFilters } from './filters';
import { VerifyChain } from './VerifyChain';

/** Audit Log: filters in the URL, newest first, a page at a time by cursor; export and chain check. */
export function AuditPage() {
  const [filters, apply] = useAuditFilters();
  const entries = useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/auth/api/audit', {
          params: { query: { ...filterQuery(filters), limit: filters.limit, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = entries.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.keys(filterQuery(filters)).length > 0;

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Title order={1}>Audit Log</Title>
        <ExportButtons filters={filters} />
      </Group>
      <Paper withBorder p="md">
        {/* Remounted when the URL changes (back/forward), so the form shows the filters in force. */}
        <AuditFilterForm key={JSON.stringify(filters)} filters={filters} onApply={apply} />
      </Paper>
      <VerifyChain />
      <QueryState isPending={entries.isPending} error={entries.error} onRetry={() => void entries.refetch()}>
        {items.length === 0 ? (
          <EmptyState title="No audit entries">
            {filtered
              ? 'Nothing matches these filters. Widen the time range or clear a filter.'
              : 'Entries appear here as people sign in and change users and roles.'}
          </EmptyState>
        ) : (
          <>
            <Text size="sm" role="status">
              Showing {items.length} {items.length === 1 ? 'entry' : 'entries'}, newest first
              {entries.hasNextPage ? '; more are available' : ''}.
            </Text>
            <AuditTable entries={items} />
            {entries.hasNextPage && (
              <Center>
                <Button
                  variant="default"
                  onClick={() => void entries.fetchNextPage()}
                  loading={entries.isFetchingNextPage}
                >
                  Load more
                </Button>
              </Center>
            )}
          </>
        )}
      </QueryState>
    </Stack>
  );
}
