import { notifications } from '@mantine/notifications';

/** A toast whose close button has a name, as every button must. */
export function notify(message: string, options: { color?: 'green' | 'red'; title?: string } = {}): void {
  notifications.show({
    color: options.color ?? 'green',
    title: options.title,
    message,
    closeButtonProps: { 'aria-label': 'Dismiss' },
  });
}
