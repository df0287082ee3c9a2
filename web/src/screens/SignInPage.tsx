import {
  Alert,
  Button,
  Center,
  Checkbox,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../lib/api';
import { useAuth } from '../lib/auth';
import { ApiError, errorText } from '../lib/errors';
import { type LoginAnswer, MfaCodeStep } from './MfaCodeStep';

/** Seconds left until `until`, ticking once a second; null when there is nothing to wait for. */
function useCountdown(until: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (until === null) return null;
  const left = Math.ceil((until - now) / 1000);
  return left > 0 ? left : null;
}

export function SignInPage() {
  const { token, signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [retryUntil, setRetryUntil] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const wait = useCountdown(retryUntil);
  const [mfa, setMfa] = useState<{ mfaToken: string; rememberMe: boolean } | null>(null);
  const form = useForm({
    initialValues: { username: '', password: '', rememberMe: false },
    validate: {
      username: (v) => (v.trim() ? null : 'Enter your username'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });

  if (token && !busy && !mfa) return <Navigate to={from} replace />;

  const finish = (answer: LoginAnswer, rememberMe: boolean) => {
    signIn(answer.accessToken, rememberMe);
    const next = answer.mustChangePassword
      ? '/change-password'
      : answer.mfaEnrollmentRequired
        ? '/enrol-mfa'
        : from;
    setMfa(null);
    navigate(next, { replace: true });
  };

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await unwrap(api.POST('/auth/api/login', { body: values }));
      if ('mfaRequired' in answer) {
        setMfa({ mfaToken: answer.mfaToken, rememberMe: values.rememberMe });
        return;
      }
      finish(answer, values.rememberMe);
    } catch (e) {
      setError(e as Error);
      if (e instanceof ApiError && e.retryAfter) setRetryUntil(Date.now() + e.retryAfter * 1000);
    } finally {
      setBusy(false);
    }
  });

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={380} component="main">
        {mfa ? (
          <MfaCodeStep
            mfaToken={mfa.mfaToken}
            onSignedIn={(answer) => finish(answer, mfa.rememberMe)}
            onRestart={() => {
              setMfa(null);
              setError(new ApiError(401, 'MFA_TOKEN_INVALID', ''));
              form.setFieldValue('password', '');
            }}
          />
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack>
              <Title order={1} size="h3">
                Sign in to champa-iam
              </Title>
              {error && (
                <Alert color="red" role="alert" title="Sign-in failed">
                  {errorText(error)}
                  {wait !== null && ` Try again in ${wait} s.`}
                </Alert>
              )}
              <TextInput
                label="Username"
                autoComplete="username"
                autoFocus
                {...form.getInputProps('username')}
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                {...form.getInputProps('password')}
              />
              <Checkbox label="Remember me" {...form.getInputProps('rememberMe', { type: 'checkbox' })} />
              <Button type="submit" loading={busy} disabled={wait !== null}>
                Sign in
              </Button>
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
