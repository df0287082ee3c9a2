import { Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { ACTIONS, type AuditFilters, fromLocalInput, PAGE_SIZES, toLocalInput } from './filters';

/** The filter form; it starts from the URL's filters and writes them back on Apply. */
export function AuditFilterForm({
  filters,
  onApply,
}: {
  filters: AuditFilters;
  onApply: (f: AuditFilters) => void;
}) {
  const form = useForm({
    initialValues: {
      ...filters,
      from: toLocalInput(filters.from),
      to: toLocalInput(filters.to),
      limit: String(filters.limit),
    },
    validate: {
      targetType: (v, values) =>
        values.targetId.trim() && !v.trim() ? 'Give the target type with a target ID' : null,
      to: (v, values) =>
        v && values.from && new Date(v) <= new Date(values.from) ? 'The end must come after the start' : null,
    },
  });
  const submit = form.onSubmit((v) =>
    onApply({ ...v, from: fromLocalInput(v.from), to: fromLocalInput(v.to), limit: Number(v.limit) }),
  );
  const clear = () =>
    onApply({
      actor: '',
      action: '',
      targetType: '',
      targetId: '',
      from: '',
      to: '',
      limit: Number(form.values.limit),
    });

  return (
    <form onSubmit={submit} noValidate aria-label="Audit filters">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
        <TextInput label="Actor" description="Username" {...form.getInputProps('actor')} />
        <TextInput
          label="Action"
          description="e.g. role.created"
          list="audit-actions"
          {...form.getInputProps('action')}
        />
        <TextInput
          label="Target type"
          description="user, role, route…"
          {...form.getInputProps('targetType')}
        />
        <TextInput label="Target ID" description="With a target type" {...form.getInputProps('targetId')} />
        <TextInput
          type="datetime-local"
          label="From"
          description="At or after"
          {...form.getInputProps('from')}
        />
        <TextInput type="datetime-local" label="To" description="Before" {...form.getInputProps('to')} />
        <NativeSelect
          label="Per page"
          description="Entries per page"
          data={PAGE_SIZES.map(String)}
          {...form.getInputProps('limit')}
        />
      </SimpleGrid>
      <datalist id="audit-actions">
        {ACTIONS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <Group mt="sm">
        <Button type="submit">Apply filters</Button>
        <Button variant="default" onClick={clear}>
          Clear
        </Button>
      </Group>
    </form>
  );
}
