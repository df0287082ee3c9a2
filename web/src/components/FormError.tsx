import { Alert } from '@mantine/core';
import { errorText } from '../lib/errors';

/** The red alert above a form, announced to screen readers, with the contract's sentence for the code. */
export function FormError({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <Alert color="red" role="alert" title={title}>
      {errorText(error)}
    </Alert>
  );
}
