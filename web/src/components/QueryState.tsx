import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError, errorText } from '../lib/errors';
import { Forbidden } from './Forbidden';

/** The server words a permission refusal as "Missing permission: manage_roles or manage_users". */
export function missingPermissions(message: string): string[] {
  const list = /^Missing permissions?: (.+)$/.exec(message.trim())?.[1];
  return list ? list.split(/\s+or\s+|,\s*/).filter(Boolean) : ['(unknown)'];
}

/** Loading, error and empty states for a query, so each screen only renders its data. */
export function QueryState({
  isPending,
  error,
  onRetry,
  children,
}: {
  isPending: boolean;
  error: unknown;
  onRetry?: () => void;
  children: ReactNode;
}) {
  if (isPending)
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (error) {
    if (error instanceof ApiError && error.status === 403 && error.code === 'PERMISSION_DENIED') {
      return <Forbidden permissions={missingPermissions(error.serverMessage)} />;
    }
    return (
      <Alert color="red" title="Could not load" role="alert">
        <Stack gap="xs">
          <Text size="sm">{errorText(error)}</Text>
          {onRetry && (
            <Button size="xs" variant="light" onClick={onRetry} w="fit-content">
              Try again
            </Button>
          )}
        </Stack>
      </Alert>
    );
  }
  return <>{children}</>;
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" py="xl" gap="xs">
      <Text fw={600}>{title}</Text>
      {children && (
        <Text size="sm" ta="center">
          {children}
        </Text>
      )}
    </Stack>
  );
}
