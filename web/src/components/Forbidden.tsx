import { Alert, Code, Text } from '@mantine/core';

/** What a 403 looks like in the console: which permission is missing, and who can grant it. */
export function Forbidden({ permissions }: { permissions: string[] }) {
  return (
    <Alert color="red" title="Permission required" role="alert">
      <Text size="sm">
        This page needs{' '}
        {permissions.map((p, i) => (
          <span key={p}>
            {i > 0 && ' or '}
            <Code>{p}</Code>
          </span>
        ))}
        . Ask an administrator to give your role that permission.
      </Text>
    </Alert>
  );
}
