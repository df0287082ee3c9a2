import { Title } from '@mantine/core';

export function HygienePage() {
  return <Title order={1}>Account Hygiene</Title>;
}
