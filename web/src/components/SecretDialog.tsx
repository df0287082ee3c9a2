import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';

export interface Secret {
  title: string;
  /** What the secret is, e.g. "API token" or "Temporary password". */
  label: string;
  value: string;
  /** A line under the secret: when it expires, what the user must do. */
  note?: string;
}

/**
 * Shows a token or temporary password the server answers once. Closing asks for confirmation,
 * because the value cannot be shown again.
 */
export function SecretDialog({ secret, onClose }: { secret: Secret | null; onClose: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const close = () => {
    setConfirming(false);
    onClose();
  };
  return (
    <Modal
      opened={!!secret}
      closeButtonProps={{ 'aria-label': 'Close dialog' }}
      onClose={() => setConfirming(true)}
      title={secret?.title}
      size="lg"
      closeOnClickOutside={false}
      closeOnEscape={false}
    >
      {secret && (
        <Stack>
          {/* Yellow titles fall below AA contrast on the light background: keep the text colour. */}
          <Alert
            color="yellow"
            title="Copy it now"
            styles={{ title: { color: 'var(--mantine-color-text)' } }}
          >
            This {secret.label.toLowerCase()} is shown only once! It cannot be shown again after you close
            this dialog.
          </Alert>
          <Text size="sm" fw={500}>
            {secret.label}
          </Text>
          <Code block data-testid="secret-value" tabIndex={0} style={{ wordBreak: 'break-all' }}>
            {secret.value}
          </Code>
          {secret.note && <Text size="sm">{secret.note}</Text>}
          {confirming ? (
            <Alert color="red" title="Close without copying?">
              <Stack gap="xs">
                <Text size="sm">Make sure you have copied the {secret.label.toLowerCase()}.</Text>
                <Group>
                  <Button color="red" onClick={close}>
                    Yes, I have copied it
                  </Button>
                  <Button variant="default" onClick={() => setConfirming(false)}>
                    Back
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <Group justify="space-between">
              <CopyButton value={secret.value}>
                {({ copied, copy }) => (
                  <Button color={copied ? 'green' : 'blue'} onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button variant="default" onClick={() => setConfirming(true)}>
                Close
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Modal>
  );
}
