import { Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../lib/api';
import { FormError } from '../components/FormError';
import { ApiError } from '../lib/errors';
import { useSubmit } from '../lib/use-submit';

export type LoginAnswer = Schemas['LoginResponseDto'];

/**
 * The second step of a sign-in with two-factor on: a code from the authenticator app, or one of the
 * recovery codes. An expired or used sign-in sends the user back to the password step.
 */
export function MfaCodeStep({
  mfaToken,
  onSignedIn,
  onRestart,
}: {
  mfaToken: string;
  onSignedIn: (answer: LoginAnswer) => void;
  onRestart: () => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const { error, busy, run } = useSubmit();
  const form = useForm({
    initialValues: { code: '' },
    validate: { code: (v) => (v.trim() ? null : 'Enter the code') },
  });
  const submit = form.onSubmit(({ code }) =>
    run(
      async () => {
        const answer = await unwrap(
          api.POST('/auth/api/login/mfa', { body: { mfaToken, code: code.trim() } }),
        );
        onSignedIn(answer);
      },
      (e) => {
        if (e instanceof ApiError && e.code === 'MFA_TOKEN_INVALID') {
          onRestart();
          return 'handled';
        }
        form.setFieldValue('code', '');
      },
    ),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Title order={1} size="h3">
          Two-factor sign-in
        </Title>
        <Text size="sm">
          {recovery
            ? 'Enter one of your recovery codes. Each code works once.'
            : 'Enter the 6-digit code your authenticator app shows for champa-iam.'}
        </Text>
        <FormError error={error} title="Sign-in failed" />
        <TextInput
          label={recovery ? 'Recovery code' : 'Authentication code'}
          autoComplete="one-time-code"
          inputMode={recovery ? 'text' : 'numeric'}
          autoFocus
          {...form.getInputProps('code')}
        />
        <Button type="submit" loading={busy}>
          Verify
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={() => setRecovery((r) => !r)}>
          {recovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
        </Anchor>
      </Stack>
    </form>
  );
}
