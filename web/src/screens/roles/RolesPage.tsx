import { Badge, Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { EmptyState, QueryState } from '../../components/QueryState';
import type { Role } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { usePermissionCatalog, useRoles } from './queries';
import { RoleActions } from './RoleActions';
import { RoleFormDialog } from './RoleFormDialog';

/** Roles & Permissions: everyone who may list roles sees them; only manage_roles changes them. */
export function RolesPage() {
  const { can } = useAuth();
  const canManage = can('manage_roles');
  const roles = useRoles();
  const catalog = usePermissionCatalog();
  // The role stays while the dialog closes, so its title does not flicker during the transition.
  const [dialog, setDialog] = useState<{ opened: boolean; role: Role | null }>({ opened: false, role: null });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Roles & Permissions</Title>
        {canManage && (
          <Button onClick={() => setDialog({ opened: true, role: null })} disabled={!catalog.data}>
            Create New Role
          </Button>
        )}
      </Group>
      <QueryState
        isPending={roles.isPending}
        error={roles.error ?? catalog.error}
        onRetry={() => void roles.refetch()}
      >
        {roles.data?.length === 0 ? (
          <EmptyState title="No roles yet">Create a role to give users permissions.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped verticalSpacing="sm" aria-label="Roles" captionSide="top">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Display Name</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Permissions</Table.Th>
                  <Table.Th>Users</Table.Th>
                  <Table.Th>Warnings</Table.Th>
                  {canManage && <Table.Th>Actions</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {roles.data?.map((role) => (
                  <Table.Tr key={role.name} data-testid={`role-${role.name}`}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Text fw={500}>{role.displayName}</Text>
                        {role.isSystem && <Badge color="gray">System</Badge>}
                        {role.requireMfa && <Badge color="gray">MFA required</Badge>}
                      </Group>
                      {role.description && <Text size="sm">{role.description}</Text>}
                    </Table.Td>
                    <Table.Td>
                      <Code>{role.name}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {role.permissions.map((p) => (
                          <Badge key={p} variant="outline" tt="none">
                            {p}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>{role.userCount}</Table.Td>
                    <Table.Td>
                      {role.warnings.length === 0 ? (
                        <Text size="sm">—</Text>
                      ) : (
                        <Stack gap={4}>
                          {role.warnings.map((w) => (
                            <Group key={w} gap="xs" wrap="nowrap" align="flex-start">
                              <Badge color="yellow" c="dark" style={{ flexShrink: 0 }}>
                                Warning
                              </Badge>
                              <Text size="sm">{w}</Text>
                            </Group>
                          ))}
                        </Stack>
                      )}
                    </Table.Td>
                    {canManage && (
                      <Table.Td>
                        <RoleActions role={role} onEdit={() => setDialog({ opened: true, role })} />
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {canManage && catalog.data && (
        <RoleFormDialog
          opened={dialog.opened}
          role={dialog.role}
          catalog={catalog.data}
          onClose={() => setDialog((d) => ({ ...d, opened: false }))}
        />
      )}
    </Stack>
  );
}
