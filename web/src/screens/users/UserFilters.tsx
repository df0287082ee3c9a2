import { Button, Group, Select, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useRoles } from './queries';
import type { UserListParams } from './useUserListParams';

const YES_NO = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/** Search (debounced, so typing doesn't flood the URL history) and the Role / Is Active / Is API User / MFA filters. */
export function UserFilters({
  params,
  update,
  clear,
}: {
  params: UserListParams;
  update: (patch: Partial<UserListParams>) => void;
  clear: () => void;
}) {
  const roles = useRoles();
  const [search, setSearch] = useState(params.search);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Back/forward or Clear filters change the URL under us: the box follows it, and a pending write is
  // dropped so it cannot undo that change.
  useEffect(() => {
    clearTimeout(timer.current);
    setSearch(params.search);
  }, [params.search]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onSearch = (value: string) => {
    setSearch(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => update({ search: value.trim() }), 300);
  };

  const roleData = (roles.data ?? []).map((r) => ({ value: r.name, label: r.displayName }));
  const active = !!(params.search || params.role || params.isActive || params.isApiUser || params.mfaEnabled);
  return (
    <Group align="flex-end" wrap="wrap">
      <TextInput
        label="Search"
        placeholder="Username or email"
        type="search"
        value={search}
        onChange={(e) => onSearch(e.currentTarget.value)}
        w={260}
      />
      <Select
        label="Role"
        placeholder="Any role"
        data={roleData}
        value={params.role || null}
        onChange={(v) => update({ role: v ?? '' })}
        clearable
        w={200}
      />
      <Select
        label="Is Active"
        placeholder="Any"
        data={YES_NO}
        value={params.isActive || null}
        onChange={(v) => update({ isActive: v ?? '' })}
        clearable
        w={130}
      />
      <Select
        label="Is API User"
        placeholder="Any"
        data={YES_NO}
        value={params.isApiUser || null}
        onChange={(v) => update({ isApiUser: v ?? '' })}
        clearable
        w={130}
      />
      <Select
        label="MFA"
        placeholder="Any"
        data={[
          { value: 'true', label: 'On' },
          { value: 'false', label: 'Off' },
        ]}
        value={params.mfaEnabled || null}
        onChange={(v) => update({ mfaEnabled: v ?? '' })}
        clearable
        w={130}
      />
      {active && (
        <Button
          variant="subtle"
          onClick={() => {
            clearTimeout(timer.current);
            setSearch('');
            clear();
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
}
