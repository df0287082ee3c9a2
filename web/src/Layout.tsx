import { AppShell, Burger, Center, Group, Loader, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { Suspense } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { useAuth } from './lib/auth';
import { SECTIONS } from './nav';

/** The signed-in frame: the menu shows only what the caller's permissions allow. */
export function Layout() {
  const { me, can, signOut } = useAuth();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const visible = SECTIONS.filter((s) => s.permissions.length === 0 || can(...s.permissions));

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Text fw={700} component="span">
              champa-iam
            </Text>
            <Text size="sm" component="span" visibleFrom="xs">
              Admin
            </Text>
          </Group>
          <Menu position="bottom-end">
            <Menu.Target>
              <UnstyledButton
                aria-label={`${me?.user.username ?? ''} (account menu)`}
                data-testid="account-menu"
              >
                <Text size="sm" fw={500}>
                  {me?.user.username}
                </Text>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{me?.user.roleDisplayName}</Menu.Label>
              <Menu.Item component={Link} to="/account">
                My Account
              </Menu.Item>
              <Menu.Item color="red" onClick={() => void signOut()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {visible.map((s) => (
          <NavLink
            key={s.path}
            component={Link}
            to={s.path}
            label={s.label}
            active={location.pathname.startsWith(s.path)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense
          fallback={
            <Center py="xl">
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
