import { Button, Menu, Text } from '@mantine/core';
import type { User } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import type { UserAction } from './useUserActions';

/** The Actions menu of one user; Delete stays visible but disabled on your own row, with the reason. */
export function UserActionsMenu({
  user,
  onAction,
  label = 'Actions',
}: {
  user: User;
  onAction: (action: UserAction, user: User) => void;
  label?: string;
}) {
  const { me } = useAuth();
  const self = me?.user.id === user.id;
  return (
    // No focus placeholder: a menu may hold only its items.
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <Button size="xs" variant="default" aria-label={`Actions for ${user.username}`}>
          {label}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onAction('edit', user)}>Edit</Menu.Item>
        {!user.isApiUser && <Menu.Item onClick={() => onAction('reset', user)}>Reset Password</Menu.Item>}
        {!user.isApiUser && user.mfaEnabled && (
          <Menu.Item onClick={() => onAction('resetMfa', user)}>Reset MFA</Menu.Item>
        )}
        {user.isApiUser && (
          <Menu.Item onClick={() => onAction('regenerate', user)}>Regenerate API Token</Menu.Item>
        )}
        {user.isApiUser && user.previousTokenValidUntil && (
          <Menu.Item onClick={() => onAction('revokePrevious', user)}>Revoke Previous Token</Menu.Item>
        )}
        <Menu.Item onClick={() => onAction('toggle', user)}>Toggle Status</Menu.Item>
        <Menu.Item onClick={() => onAction('revoke', user)}>Revoke Sessions</Menu.Item>
        <Menu.Divider />
        {/* The reason is part of the item, so it is read out with it (a menu holds only items). */}
        <Menu.Item color="red" disabled={self} onClick={() => onAction('delete', user)}>
          Delete
          {self && (
            <Text size="xs" component="span" display="block">
              You cannot delete your own account
            </Text>
          )}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
