import { Stack, Text } from '@mantine/core';
import type { User } from '../lib/api';
import { formatDateTime } from '../lib/format';

type Usage = Pick<
  User,
  'isApiUser' | 'apiTokenLastUsedAt' | 'previousTokenValidUntil' | 'previousTokenLastUsedAt'
>;

/** Under an API user's token expiry: when the token was last used, and the old token's grace while it runs. */
export function TokenUsage({ user }: { user: Usage }) {
  if (!user.isApiUser) return null;
  return (
    <Stack gap={0} data-testid="token-usage">
      <Text size="xs">
        Last used: {user.apiTokenLastUsedAt ? formatDateTime(user.apiTokenLastUsedAt) : 'never'}
      </Text>
      {user.previousTokenValidUntil && (
        <Text size="xs">
          Old token works until {formatDateTime(user.previousTokenValidUntil)}; last used:{' '}
          {user.previousTokenLastUsedAt ? formatDateTime(user.previousTokenLastUsedAt) : 'never'}
        </Text>
      )}
    </Stack>
  );
}
