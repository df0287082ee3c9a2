import { Group, Radio, Text } from '@mantine/core';
import { useState } from 'react';

/** How long the old token may keep working after a regeneration: the API takes 0-168 hours. */
export const GRACE_CHOICES = [
  { hours: 0, label: 'None' },
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours' },
  { hours: 168, label: '7 days' },
] as const;

/** The grace choice of the regenerate dialog; reports each change, starting from none. */
export function GraceChoice({ onChange }: { onChange: (hours: number) => void }) {
  const [value, setValue] = useState('0');
  return (
    <Radio.Group
      label="Keep the old token working for …"
      description="Gives the systems that use the old token time to move to the new one."
      value={value}
      onChange={(next) => {
        setValue(next);
        onChange(Number(next));
      }}
    >
      <Group mt="xs">
        {GRACE_CHOICES.map((c) => (
          <Radio key={c.hours} value={String(c.hours)} label={c.label} />
        ))}
      </Group>
    </Radio.Group>
  );
}

export function RegenerateMessage({ onGrace }: { onGrace: (hours: number) => void }) {
  return (
    <>
      <Text size="sm">
        A new token is issued. Without a grace the old token stops working now; with one it keeps working
        until the grace ends (or you revoke it sooner).
      </Text>
      <GraceChoice onChange={onGrace} />
    </>
  );
}
