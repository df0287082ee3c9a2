import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useConfirm } from '../../components/confirm';
import { api, type Role, unwrap } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { ROLES_KEY } from './queries';

/** Edit, and Delete only while nobody holds the role; otherwise why not, and who holds it. */
export function RoleActions({ role, onEdit }: { role: Role; onEdit: () => void }) {
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/auth/api/roles/{name}', { params: { path: { name: role.name } } })),
    onSuccess: () => notifications.show({ color: 'green', message: `Role ${role.displayName} deleted` }),
    onError: (e) => notifications.show({ color: 'red', title: 'Role not deleted', message: errorText(e) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ROLES_KEY }),
  });

  const askDelete = async () => {
    const ok = await confirm({
      title: `Delete role ${role.name}?`,
      message: `The role ${role.displayName} is removed for good. No user holds it, so nobody loses access.`,
      confirmLabel: 'Delete role',
    });
    if (ok) remove.mutate();
  };

  return (
    <Stack gap={4} align="flex-start">
      <Group gap="xs" wrap="nowrap">
        <Button size="xs" variant="light" onClick={onEdit} aria-label={`Edit ${role.name}`}>
          Edit
        </Button>
        {!role.isSystem && role.userCount === 0 && (
          <Button
            size="xs"
            variant="light"
            color="red"
            loading={remove.isPending}
            onClick={() => void askDelete()}
            aria-label={`Delete ${role.name}`}
          >
            Delete
          </Button>
        )}
      </Group>
      {!role.isSystem && role.userCount > 0 && (
        <Text size="xs" data-testid={`in-use-${role.name}`}>
          Cannot delete role. {role.userCount} user(s) are assigned to this role.{' '}
          <Anchor component={Link} to={`/users?role=${encodeURIComponent(role.name)}`} size="xs">
            Show these users
          </Anchor>
        </Text>
      )}
    </Stack>
  );
}
