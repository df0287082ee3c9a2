import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { type CSSVariablesResolver, createTheme, MantineProvider, Modal, Notification } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ConfirmProvider } from './components/confirm';
import { AuthProvider } from './lib/auth';
import { ApiError } from './lib/errors';
import { router } from './routes';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will answer the same again: show it rather than retrying.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// Shade 8 with automatic text contrast keeps filled badges and buttons at WCAG AA (4.5:1).
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  autoContrast: true,
  luminanceThreshold: 0.25,
  defaultRadius: 'sm',
  // Dialogs, menus and notifications appear without animation for people who ask their system for less motion.
  respectReducedMotion: true,
  components: {
    // Mantine's close button is an icon alone; it needs a name for screen readers.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } }),
  },
});

// In the light scheme: Mantine's dimmed grey (gray-6) reaches only 3.3:1 on white, so it is one shade
// darker; and the hover shade of light buttons and of the current menu entry (shade 2) leaves their
// shade-9 text at 4:1, so light surfaces rest on shade 0 and hover on shade 1.
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(
      ['blue', 'red'].flatMap((c) => [
        [`--mantine-color-${c}-light`, `var(--mantine-color-${c}-0)`],
        [`--mantine-color-${c}-light-hover`, `var(--mantine-color-${c}-1)`],
      ]),
    ),
  },
  dark: {},
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* Light and dark follow the system; no inline script, so the CSP can forbid them. */}
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariables}>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <ConfirmProvider>
            <RouterProvider router={router} />
          </ConfirmProvider>
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
