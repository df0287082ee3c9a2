import { Title } from '@mantine/core';

export function UserDetailPage() {
  return <Title order={1}>User</Title>;
}
