import {
  Button,
  Group,
  Modal,
  PasswordInput,
  Radio,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import type { Secret } from '../../components/SecretDialog';
import { api, type User, unwrap } from '../../lib/api';
import { FormError } from '../../components/FormError';
import { fieldErrors } from '../../lib/errors';
import { useSubmit } from '../../lib/use-submit';
import { formatDateTime } from '../../lib/format';
import { notify } from './notify';
import { USERS_KEY, useRoles } from './queries';
import { TTL_OPTIONS } from './ttl';

interface Values {
  username: string;
  email: string;
  password: string;
  role: string;
  isActive: boolean;
  isApiUser: boolean;
  /** '' keeps the current lifetime (edit only). */
  apiTokenTtlDays: string;
}

// Mantine's dimmed descriptions and light-red errors fall below WCAG AA contrast; these carry rules
// people must read, so they keep the text colour (errors a darker, scheme-aware red).
const readable = {
  description: { color: 'var(--mantine-color-text)' },
  error: { color: 'var(--mantine-color-red-text)' },
  input: { color: 'var(--mantine-color-text)' },
};

const PASSWORD_RULES =
  '8–128 characters with a lowercase letter, an uppercase letter and a digit; not a common password, not containing the username.';

export const tokenNote = (expiresAt: string | null) =>
  expiresAt ? `Expires ${formatDateTime(expiresAt)}.` : 'This token never expires.';

/**
 * Create New User, or Edit one (`user` set): the docs' fields. Edit sends only what changed; the
 * username is immutable. A new API token goes to `onSecret`, to be shown once.
 */
export function UserFormModal({
  opened,
  user,
  onClose,
  onSecret,
}: {
  opened: boolean;
  user?: User | null;
  onClose: () => void;
  onSecret: (secret: Secret) => void;
}) {
  const editing = !!user;
  const roles = useRoles();
  const queryClient = useQueryClient();
  const { error, busy, run, clearError } = useSubmit();
  const initial: Values = {
    username: user?.username ?? '',
    email: user?.email ?? '',
    password: '',
    role: user?.role ?? '',
    isActive: user?.isActive ?? true,
    isApiUser: user?.isApiUser ?? false,
    apiTokenTtlDays: editing ? '' : '90',
  };
  const form = useForm<Values>({
    initialValues: initial,
    validate: {
      username: (v) => (editing || /^[a-z0-9][a-z0-9._-]{2,63}$/.test(v) ? null : usernameHint),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v) ? null : 'Enter a valid e-mail address'),
      password: (v, vs) => (editing || vs.isApiUser || v ? null : 'Enter a password'),
      role: (v) => (v ? null : 'Choose a role'),
      apiTokenTtlDays: (v, vs) =>
        vs.isApiUser && !v && (!editing || !user?.isApiUser) ? 'Choose a lifetime for the token' : null,
    },
  });

  const close = () => {
    form.setValues(initial);
    form.clearErrors();
    clearError();
    onClose();
  };

  const save = (v: Values) => async () => {
    let saved: User;
    let token: string | undefined;
    if (user) {
      const body: Record<string, unknown> = {};
      if (v.email !== user.email) body.email = v.email;
      if (v.role !== user.role) body.role = v.role;
      if (v.isActive !== user.isActive) body.isActive = v.isActive;
      if (v.isApiUser !== user.isApiUser) body.isApiUser = v.isApiUser;
      if (v.isApiUser && v.apiTokenTtlDays) body.apiTokenTtlDays = Number(v.apiTokenTtlDays);
      const answer = await unwrap(
        api.PATCH('/auth/api/users/{id}', { params: { path: { id: user.id } }, body }),
      );
      ({ apiToken: token, ...saved } = answer);
    } else {
      const answer = await unwrap(
        api.POST('/auth/api/users', {
          body: {
            username: v.username.trim(),
            email: v.email.trim(),
            role: v.role,
            isActive: v.isActive,
            isApiUser: v.isApiUser,
            ...(v.isApiUser ? { apiTokenTtlDays: Number(v.apiTokenTtlDays) } : { password: v.password }),
          },
        }),
      );
      saved = answer.user;
      token = answer.apiToken;
    }
    await queryClient.invalidateQueries({ queryKey: USERS_KEY });
    notify(editing ? `Saved ${saved.username}.` : `Created ${saved.username}.`);
    close();
    if (token)
      onSecret({
        title: `API token for ${saved.username}`,
        label: 'API token',
        value: token,
        note: tokenNote(saved.apiTokenExpiresAt),
      });
  };

  const submit = form.onSubmit((v) =>
    run(save(v), (e) => {
      form.setErrors(fieldErrors(e));
    }),
  );

  const roleData = (roles.data ?? []).map((r) => ({ value: r.name, label: `${r.displayName} (${r.name})` }));
  const v = form.values;
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={editing ? `Edit ${user.username}` : 'Create New User'}
      closeButtonProps={{ 'aria-label': 'Close dialog' }}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={error} />
          <TextInput
            label="Username"
            required={!editing}
            readOnly={editing}
            styles={readable}
            description={editing ? 'The username cannot be changed.' : usernameHint}
            autoComplete="off"
            {...form.getInputProps('username')}
          />
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="off"
            {...form.getInputProps('email')}
          />
          {!editing && !v.isApiUser && (
            <PasswordInput
              label="Password"
              required
              styles={readable}
              description={PASSWORD_RULES}
              autoComplete="new-password"
              {...form.getInputProps('password')}
            />
          )}
          <Select
            styles={readable}
            label="Role"
            required
            data={roleData}
            placeholder={roles.isPending ? 'Loading roles…' : 'Choose a role'}
            allowDeselect={false}
            {...form.getInputProps('role')}
          />
          <Switch label="Is Active" {...form.getInputProps('isActive', { type: 'checkbox' })} />
          <Switch
            label="Is API User"
            styles={readable}
            description="An API user calls the API with a token and cannot sign in; its role needs api_access."
            {...form.getInputProps('isApiUser', { type: 'checkbox' })}
          />
          {v.isApiUser && (
            <Radio.Group
              label="API Token TTL"
              styles={readable}
              description={
                editing && user.isApiUser
                  ? 'A new lifetime applies from the next token (Regenerate API Token); leave it to keep the current one.'
                  : 'How long the token works before it must be regenerated.'
              }
              {...form.getInputProps('apiTokenTtlDays')}
            >
              <Stack gap="xs" mt="xs">
                {TTL_OPTIONS.map((o) => (
                  <Radio
                    key={o.value}
                    value={o.value}
                    label={o.label}
                    styles={readable}
                    description={o.advice}
                  />
                ))}
              </Stack>
            </Radio.Group>
          )}
          {editing && v.isApiUser && !user.isApiUser && (
            <Text size="sm">Saving issues a token (shown once) and ends the password and sessions.</Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {editing ? 'Save' : 'Create User'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const usernameHint = '3–64 of a-z 0-9 . _ -, starting with a letter or digit.';
