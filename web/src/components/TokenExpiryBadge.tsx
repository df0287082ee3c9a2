import { Badge, Group, Text } from '@mantine/core';
import type { User } from '../lib/api';
import { daysUntil, formatDate } from '../lib/format';

/** The "API Token Expires" cell: the date and a badge whose text says the state, not only its colour. */
export function TokenExpiryBadge({ user }: { user: Pick<User, 'apiTokenStatus' | 'apiTokenExpiresAt'> }) {
  const { apiTokenStatus: status, apiTokenExpiresAt: at } = user;
  if (status === null) return <Text c="dimmed">—</Text>;
  let badge;
  switch (status) {
    case 'valid':
      badge = (
        <Badge color="green" miw="max-content">
          Valid
        </Badge>
      );
      break;
    case 'expiring': {
      const days = at ? Math.max(0, daysUntil(at)) : 0;
      badge = (
        <Badge color="yellow" c="dark" miw="max-content">
          Expires in {days} {days === 1 ? 'day' : 'days'}
        </Badge>
      );
      break;
    }
    case 'expired':
      badge = (
        <Badge color="red" miw="max-content">
          Expired
        </Badge>
      );
      break;
    case 'never':
      badge = (
        <Badge color="gray" miw="max-content">
          Never
        </Badge>
      );
      break;
  }
  return (
    <Group gap="xs" wrap="nowrap">
      {at && <Text size="sm">{formatDate(at)}</Text>}
      {badge}
    </Group>
  );
}
