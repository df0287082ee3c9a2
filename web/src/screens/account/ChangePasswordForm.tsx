import { Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { api, unwrap } from '../../lib/api';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/errors';
import { useSubmit } from '../../lib/use-submit';

/** Current and new password; the server's password rules show at the new-password field. */
export function ChangePasswordForm({ onDone }: { onDone: () => void | Promise<void> }) {
  const { error, busy, run } = useSubmit();
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      newPassword: (v) => (v.length >= 8 ? null : 'At least 8 characters'),
      confirm: (v, values) => (v === values.newPassword ? null : 'The passwords do not match'),
    },
  });
  const submit = form.onSubmit(({ currentPassword, newPassword }) =>
    run(
      async () => {
        await unwrap(api.POST('/auth/api/me/password', { body: { currentPassword, newPassword } }));
        form.reset();
        await onDone();
      },
      (e) => {
        const fields = fieldErrors(e);
        if (fields.password) fields.newPassword = fields.password;
        form.setErrors(fields);
      },
    ),
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
        <PasswordInput
          label="New password"
          description="8–128 characters with a lowercase letter, an uppercase letter and a digit; not a common password, not containing your username."
          autoComplete="new-password"
          {...form.getInputProps('newPassword')}
        />
        <PasswordInput
          label="Confirm new password"
          autoComplete="new-password"
          {...form.getInputProps('confirm')}
        />
        <Button type="submit" loading={busy}>
          Change password
        </Button>
      </Stack>
    </form>
  );
}
