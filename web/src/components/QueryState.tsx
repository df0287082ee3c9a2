import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError, errorText } from '../lib/errors';
import { Forbidden } from './Forbidden';

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
      const missing = /: (.+)$/.exec(error.serverMessage)?.[1];
      return <Forbidden permissions={missing ? missing.split(/,\s*| or /) : ['(unknown)']} />;
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
