import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Image,
  PasswordInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../lib/api';
import { FormError } from '../../components/FormError';
import { useSubmit } from '../../lib/use-submit';

/** Offers the recovery codes as a text file, so they can be kept away from the phone. */
function downloadCodes(codes: string[]) {
  const text = `champa-iam recovery codes\nEach code works once, in place of a code from the app.\n\n${codes.join('\n')}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'champa-iam-recovery-codes.txt';
  a.click();
  URL.revokeObjectURL(url);
}

/** The ten recovery codes, shown once, with copy and download; `onDone` when the user has kept them. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [kept, setKept] = useState(false);
  return (
    <Stack>
      <Alert
        color="yellow"
        title="Save your recovery codes"
        styles={{ title: { color: 'var(--mantine-color-text)' } }}
      >
        These codes are shown only once. Each one signs you in once without the app, if you lose your phone.
      </Alert>
      <Code block data-testid="recovery-codes" tabIndex={0}>
        {codes.join('\n')}
      </Code>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button
              color={copied ? 'green' : 'blue'}
              onClick={() => {
                copy();
                setKept(true);
              }}
            >
              {copied ? 'Copied' : 'Copy codes'}
            </Button>
          )}
        </CopyButton>
        <Button
          variant="default"
          onClick={() => {
            downloadCodes(codes);
            setKept(true);
          }}
        >
          Download
        </Button>
        <Button variant={kept ? 'filled' : 'default'} onClick={onDone}>
          {kept ? 'Done' : 'I have saved them'}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * Enrolling an authenticator app: the password, then the QR code (and the secret to type in), then a
 * first code; the answer's recovery codes are shown once.
 */
export function MfaEnrollment({ onDone }: { onDone: () => void | Promise<void> }) {
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const { error, busy, run } = useSubmit();
  const passwordForm = useForm({
    initialValues: { currentPassword: '' },
    validate: { currentPassword: (v) => (v ? null : 'Enter your current password') },
  });
  const codeForm = useForm({
    initialValues: { code: '' },
    validate: { code: (v) => (/^\d{6}$/.test(v.trim()) ? null : 'Enter the 6-digit code from the app') },
  });

  useEffect(() => {
    if (!setup) return;
    let live = true;
    void QRCode.toDataURL(setup.otpauthUri, { margin: 1, width: 200 }).then((url) => {
      if (live) setQr(url);
    });
    return () => {
      live = false;
    };
  }, [setup]);

  const start = passwordForm.onSubmit(({ currentPassword }) =>
    run(async () => {
      setSetup(await unwrap(api.POST('/auth/api/me/mfa/totp/setup', { body: { currentPassword } })));
      passwordForm.reset();
    }),
  );

  const confirm = codeForm.onSubmit(({ code }) =>
    run(
      async () => {
        const answer = await unwrap(
          api.POST('/auth/api/me/mfa/totp/confirm', { body: { code: code.trim() } }),
        );
        setCodes(answer.recoveryCodes);
        setSetup(null);
      },
      () => codeForm.setFieldValue('code', ''),
    ),
  );

  if (codes) return <RecoveryCodes codes={codes} onDone={() => void onDone()} />;

  return (
    <Stack>
      <FormError error={error} />
      {!setup ? (
        <form onSubmit={start} noValidate>
          <Stack>
            <Text size="sm">
              Use an authenticator app (such as FreeOTP, Aegis or Google Authenticator) for a code at every
              sign-in. Confirm your password to begin.
            </Text>
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              {...passwordForm.getInputProps('currentPassword')}
            />
            <Button type="submit" loading={busy}>
              Set up two-factor sign-in
            </Button>
          </Stack>
        </form>
      ) : (
        <form onSubmit={confirm} noValidate>
          <Stack>
            <Text size="sm">1. Scan this QR code with your authenticator app.</Text>
            {qr && <Image src={qr} alt="QR code of the authenticator secret" w={200} h={200} />}
            <Text size="sm">Or type this secret into the app:</Text>
            <Group gap="xs">
              <Code data-testid="mfa-secret" tabIndex={0} style={{ wordBreak: 'break-all' }}>
                {setup.secret}
              </Code>
              <CopyButton value={setup.secret}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="default" onClick={copy}>
                    {copied ? 'Copied' : 'Copy secret'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="sm">2. Enter the 6-digit code the app shows.</Text>
            <TextInput
              label="Authentication code"
              autoComplete="one-time-code"
              inputMode="numeric"
              {...codeForm.getInputProps('code')}
            />
            <Button type="submit" loading={busy}>
              Confirm
            </Button>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
