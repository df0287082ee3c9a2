import { Button, Group, Loader, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { download } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { type AuditFilters, filterQuery } from './filters';

type Format = 'csv' | 'ndjson';

function saveBlob(blob: Blob, filename: string) {
  // A temporary object URL and a download link: no inline script, so the CSP holds.
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** Export CSV / NDJSON of the entries the current filters select, with progress while it streams. */
export function ExportButtons({ filters }: { filters: AuditFilters }) {
  const [running, setRunning] = useState<{ format: Format; bytes: number } | null>(null);

  const run = async (format: Format) => {
    setRunning({ format, bytes: 0 });
    try {
      const query = new URLSearchParams({ ...filterQuery(filters), format });
      const blob = await download(`/auth/api/audit/export?${query.toString()}`, (bytes) =>
        setRunning({ format, bytes }),
      );
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      saveBlob(blob, `audit-${stamp}.${format}`);
      notifications.show({ color: 'green', message: `Audit export saved (${size(blob.size)})` });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Export failed', message: errorText(e) });
    } finally {
      setRunning(null);
    }
  };

  return (
    <Group gap="xs">
      <Button variant="default" onClick={() => void run('csv')} disabled={!!running}>
        Export CSV
      </Button>
      <Button variant="default" onClick={() => void run('ndjson')} disabled={!!running}>
        Export NDJSON
      </Button>
      {running && (
        <Group gap={6} role="status" aria-live="polite">
          <Loader size="xs" aria-hidden />
          <Text size="sm">
            Exporting {running.format.toUpperCase()}… {size(running.bytes)} received
          </Text>
        </Group>
      )}
    </Group>
  );
}
