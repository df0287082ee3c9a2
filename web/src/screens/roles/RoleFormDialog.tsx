import { Alert, Button, Checkbox, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type Role, unwrap } from '../../lib/api';
import { errorText, fieldErrors } from '../../lib/errors';
import { PermissionPicker } from './PermissionPicker';
import { type Permission, ROLES_KEY } from './queries';

const NAME = /^[a-z][a-z0-9_]{1,62}$/;

interface Values {
  name: string;
  displayName: string;
  description: string;
  permissions: string[];
  requireMfa: boolean;
}

const EMPTY: Values = { name: '', displayName: '', description: '', permissions: [], requireMfa: false };

/** Create New Role, or edit one (`role` given): the name is fixed once created, and so are a system role's permissions. */
export function RoleFormDialog({
  opened,
  role,
  catalog,
  onClose,
}: {
  opened: boolean;
  role: Role | null;
  catalog: Permission[];
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={role ? `Edit role ${role.name}` : 'Create New Role'}
      size="xl"
    >
      {/* The modal mounts its content only while open, so the form starts afresh each time. */}
      <RoleForm role={role} catalog={catalog} onClose={onClose} />
    </Modal>
  );
}

function RoleForm({
  role,
  catalog,
  onClose,
}: {
  role: Role | null;
  catalog: Permission[];
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const locked = !!role?.isSystem;
  const form = useForm<Values>({
    initialValues: role
      ? {
          name: role.name,
          displayName: role.displayName,
          description: role.description,
          permissions: role.permissions,
          requireMfa: role.requireMfa,
        }
      : EMPTY,
    validate: {
      name: (v) =>
        role || NAME.test(v)
          ? null
          : 'Start with a lowercase letter; then 1–62 lowercase letters, digits or underscores',
      displayName: (v) => (v.trim() ? null : 'Enter a display name'),
      permissions: (v) => (locked || v.length > 0 ? null : 'Choose at least one permission'),
    },
  });

  const save = useMutation({
    mutationFn: (v: Values) =>
      role
        ? unwrap(
            api.PATCH('/auth/api/roles/{name}', {
              params: { path: { name: role.name } },
              body: {
                displayName: v.displayName.trim(),
                description: v.description,
                requireMfa: v.requireMfa,
                // A system role refuses any permissions field, even an unchanged one.
                ...(locked ? {} : { permissions: v.permissions }),
              },
            }),
          )
        : unwrap(
            api.POST('/auth/api/roles', {
              body: {
                name: v.name,
                displayName: v.displayName.trim(),
                description: v.description || undefined,
                permissions: v.permissions,
                requireMfa: v.requireMfa,
              },
            }),
          ),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ROLES_KEY });
      notifications.show({
        color: 'green',
        message: role ? `Role ${saved.displayName} saved` : `Role ${saved.displayName} created`,
      });
      onClose();
    },
    onError: (e) => form.setErrors(fieldErrors(e)),
  });

  // Errors that belong to a field show there; the rest above the form.
  const atField = Object.keys(fieldErrors(save.error)).some((k) => k in EMPTY);
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        {save.error && !atField && (
          <Alert color="red" role="alert" title="Not saved">
            {errorText(save.error)}
          </Alert>
        )}
        <TextInput
          label="Name"
          description={
            role
              ? 'The name cannot be changed; create a new role instead.'
              : 'Lowercase letters, digits and underscores, e.g. operations_manager. It cannot be changed later.'
          }
          readOnly={!!role}
          withAsterisk={!role}
          {...form.getInputProps('name')}
        />
        <TextInput label="Display Name" withAsterisk {...form.getInputProps('displayName')} />
        <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
        <Checkbox
          label="Require MFA"
          description="Users of this role must sign in with a code from an authenticator app; those without one set it up at their next sign-in."
          {...form.getInputProps('requireMfa', { type: 'checkbox' })}
        />
        {locked && (
          <Alert color="blue" title="System role">
            The permissions of a system role are fixed. Its display name and description can be edited.
          </Alert>
        )}
        <PermissionPicker
          catalog={catalog}
          disabled={locked}
          description={locked ? 'Locked: this is a system role.' : 'Choose at least one.'}
          value={form.values.permissions}
          onChange={(v) => form.setFieldValue('permissions', v)}
          error={form.errors.permissions}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {role ? 'Save' : 'Create role'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
