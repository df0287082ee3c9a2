import { Badge, Code, Table, Text } from '@mantine/core';
import type { Schemas } from '../../lib/api';
import { formatDateTime } from '../../lib/format';

export type AuditEntry = Schemas['AuditEntryDto'];

const OUTCOME = {
  success: <Badge color="green">Success</Badge>,
  failure: <Badge color="red">Failure</Badge>,
  denied: (
    <Badge color="yellow" c="dark">
      Denied
    </Badge>
  ),
} as const;

function target(e: AuditEntry) {
  if (!e.targetType) return <Text size="sm">—</Text>;
  return (
    <>
      <Text size="sm">{e.targetLabel ?? e.targetId ?? '—'}</Text>
      <Text size="xs">
        {e.targetType}
        {e.targetId ? ` #${e.targetId}` : ''}
      </Text>
    </>
  );
}

/** Newest first, as the API answers; the details open on demand as JSON. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped verticalSpacing="xs" aria-label="Audit entries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>At</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>IP</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => (
            <Table.Tr key={e.id} data-testid="audit-entry">
              <Table.Td>
                <Text size="sm" title={e.at}>
                  {formatDateTime(e.at)}
                </Text>
              </Table.Td>
              <Table.Td>{e.actorUsername ?? '—'}</Table.Td>
              <Table.Td>
                <Code>{e.action}</Code>
              </Table.Td>
              <Table.Td>{target(e)}</Table.Td>
              <Table.Td>{OUTCOME[e.outcome]}</Table.Td>
              <Table.Td>{e.ip ?? '—'}</Table.Td>
              <Table.Td>
                {Object.keys(e.details).length === 0 ? (
                  '—'
                ) : (
                  <details>
                    <summary>Details of entry {e.id}</summary>
                    <Code block style={{ maxWidth: 420, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                      {JSON.stringify(e.details, null, 2)}
                    </Code>
                  </details>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
