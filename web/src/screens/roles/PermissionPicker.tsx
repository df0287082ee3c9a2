import { Checkbox, Fieldset, SimpleGrid } from '@mantine/core';
import type { Permission } from './queries';

const GROUPS = [
  { category: 'administrative', legend: 'Administrative' },
  { category: 'feature', legend: 'Feature' },
] as const;

/**
 * The catalog's permissions as checkboxes, grouped as the contract groups them, each described by the
 * catalog itself so that host-registered permissions explain themselves too.
 */
export function PermissionPicker({
  catalog,
  value,
  onChange,
  error,
  disabled,
  description,
}: {
  catalog: Permission[];
  value: string[];
  onChange: (value: string[]) => void;
  error?: React.ReactNode;
  disabled?: boolean;
  description?: React.ReactNode;
}) {
  return (
    <Checkbox.Group
      label="Permissions"
      description={description}
      value={value}
      onChange={onChange}
      error={error}
      disabled={disabled}
      withAsterisk
    >
      {GROUPS.map(({ category, legend }) => {
        const items = catalog.filter((p) => p.category === category);
        if (items.length === 0) return null;
        return (
          <Fieldset key={category} legend={legend} mt="xs" variant="filled">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              {items.map((p) => (
                <Checkbox key={p.name} value={p.name} label={p.name} description={p.description} />
              ))}
            </SimpleGrid>
          </Fieldset>
        );
      })}
    </Checkbox.Group>
  );
}
