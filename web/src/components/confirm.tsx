import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from 'react';

export interface ConfirmOptions {
  title: string;
  /** What will happen, in plain words: "the old token stops working now". */
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

type Confirm = (options: ConfirmOptions) => Promise<boolean>;

const ConfirmContext = createContext<Confirm | null>(null);

/** One confirmation dialog for the whole console; `useConfirm()` asks and resolves true when confirmed. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [options, setOptions] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);

  const confirm = useCallback<Confirm>((next) => {
    resolver.current?.(false);
    setOptions(next);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);

  const settle = (ok: boolean) => {
    resolver.current?.(ok);
    resolver.current = null;
    setOptions(null);
  };

  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <Modal
        opened={!!options}
        closeButtonProps={{ 'aria-label': 'Close dialog' }}
        onClose={() => settle(false)}
        title={options?.title}
      >
        {options && (
          <Stack>
            {typeof options.message === 'string' ? <Text size="sm">{options.message}</Text> : options.message}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => settle(false)}>
                Cancel
              </Button>
              <Button color={options.danger === false ? 'blue' : 'red'} onClick={() => settle(true)}>
                {options.confirmLabel}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Confirm {
  const ctx = useContext(ConfirmContext);
  if (!ctx) throw new Error('useConfirm outside ConfirmProvider');
  return ctx;
}
