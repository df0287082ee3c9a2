import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Session } from '../lib/api';
import { formatDateTime } from '../lib/format';

/** Live sessions, one row each: when and where they started, and, with `action`, a last column per row. */
export function SessionsTable({
  sessions,
  label,
  action,
}: {
  sessions: Session[];
  label: string;
  action?: (session: Session) => ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={action ? 760 : 700}>
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>IP</Table.Th>
            <Table.Th>Device</Table.Th>
            {action && <Table.Th>Actions</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.map((s) => (
            <Table.Tr key={s.id} data-testid={s.current ? 'session-current' : 'session-other'}>
              <Table.Td>{formatDateTime(s.createdAt)}</Table.Td>
              <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
              <Table.Td>
                {formatDateTime(s.expiresAt)}
                {s.rememberMe && <Text size="xs">Remembered</Text>}
              </Table.Td>
              <Table.Td>{s.ip ?? '—'}</Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2} maw={280} title={s.userAgent ?? undefined}>
                  {s.userAgent ?? '—'}
                </Text>
              </Table.Td>
              {action && <Table.Td>{action(s)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
