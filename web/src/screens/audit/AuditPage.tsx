import { Title } from '@mantine/core';

export function AuditPage() {
  return <Title order={1}>Audit Log</Title>;
}
