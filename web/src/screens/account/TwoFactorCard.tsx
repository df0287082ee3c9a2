import { Alert, Badge, Button, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { FormError } from '../../components/FormError';
import { useSubmit } from '../../lib/use-submit';
import { MfaEnrollment } from './MfaEnrollment';

function DisableForm({ onDone }: { onDone: () => void | Promise<void> }) {
  const { error, busy, run } = useSubmit();
  const form = useForm({
    initialValues: { currentPassword: '', code: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      code: (v) => (v.trim() ? null : 'Enter a code from the app, or a recovery code'),
    },
  });
  const submit = form.onSubmit(({ currentPassword, code }) =>
    run(async () => {
      await unwrap(api.DELETE('/auth/api/me/mfa', { body: { currentPassword, code: code.trim() } }));
      form.reset();
      await onDone();
    }),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <FormError error={error} />
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          {...form.getInputProps('currentPassword')}
        />
        <TextInput label="Authentication code" autoComplete="one-time-code" {...form.getInputProps('code')} />
        <Button type="submit" color="red" loading={busy}>
          Switch off two-factor sign-in
        </Button>
      </Stack>
    </form>
  );
}

/** My Account's two-factor section: on or off, enrolment, switching off (unless the role requires it). */
export function TwoFactorCard() {
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const [disabling, setDisabling] = useState(false);
  if (!me) return null;
  const on = me.user.mfaEnabled;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['me'] });
  return (
    <Stack data-testid="two-factor">
      <Group justify="space-between">
        <Title order={2}>Two-factor sign-in</Title>
        <Badge color={on ? 'green' : 'gray'}>{on ? 'On' : 'Off'}</Badge>
      </Group>
      {me.mfaEnrollmentRequired && (
        <Alert
          color="yellow"
          title="Required by your role"
          styles={{ title: { color: 'var(--mantine-color-text)' } }}
        >
          Your role requires two-factor sign-in. Set it up to continue using the console.
        </Alert>
      )}
      {on ? (
        disabling ? (
          <DisableForm
            onDone={async () => {
              setDisabling(false);
              await refresh();
              notifications.show({ color: 'green', message: 'Two-factor sign-in is off.' });
            }}
          />
        ) : (
          <Group>
            <Text size="sm">A code from your authenticator app is asked at every sign-in.</Text>
            <Button variant="default" onClick={() => setDisabling(true)}>
              Switch off
            </Button>
          </Group>
        )
      ) : enrolling || me.mfaEnrollmentRequired ? (
        <MfaEnrollment
          onDone={async () => {
            setEnrolling(false);
            await refresh();
            notifications.show({
              color: 'green',
              message: 'Two-factor sign-in is on. Your other sessions have ended.',
            });
          }}
        />
      ) : (
        <Group>
          <Text size="sm">Protect your account with a code from an authenticator app.</Text>
          <Button onClick={() => setEnrolling(true)}>Set up</Button>
        </Group>
      )}
    </Stack>
  );
}
