import { Badge, Button, Group, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useConfirm } from '../../components/confirm';
import { EmptyState, QueryState } from '../../components/QueryState';
import { SessionsTable } from '../../components/SessionsTable';
import { api, type Session, unwrap } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';

export const MY_SESSIONS_KEY = ['me', 'sessions'] as const;

function endSession(id: string) {
  return unwrap(api.DELETE('/auth/api/me/sessions/{id}', { params: { path: { id } } }));
}

/** My live sessions: each other one can be ended here; this one ends with Sign out. */
export function MySessions() {
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: MY_SESSIONS_KEY,
    queryFn: () => unwrap(api.GET('/auth/api/me/sessions')),
  });
  const others = sessions.data?.filter((s) => !s.current) ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: MY_SESSIONS_KEY });

  const revokeOne = useMutation({
    mutationFn: (s: Session) => endSession(s.id),
    onSuccess: () => notifications.show({ color: 'green', message: 'Session ended' }),
    onError: (e) => notifications.show({ color: 'red', title: 'Session not ended', message: errorText(e) }),
    onSettled: refresh,
  });
  const revokeOthers = useMutation({
    mutationFn: async (list: Session[]) => {
      for (const s of list) await endSession(s.id);
      return list.length;
    },
    onSuccess: (n) =>
      notifications.show({ color: 'green', message: `${n} other ${n === 1 ? 'session' : 'sessions'} ended` }),
    onError: (e) =>
      notifications.show({ color: 'red', title: 'Not every session ended', message: errorText(e) }),
    onSettled: refresh,
  });

  const askOne = async (s: Session) => {
    const ok = await confirm({
      title: 'Revoke this session?',
      message: `The session started ${formatDateTime(s.createdAt)} from ${s.ip ?? 'an unknown address'} ends now; that device has to sign in again.`,
      confirmLabel: 'Revoke session',
    });
    if (ok) revokeOne.mutate(s);
  };
  const askOthers = async () => {
    const ok = await confirm({
      title: 'Revoke all other sessions?',
      message: `${others.length} other ${others.length === 1 ? 'session ends' : 'sessions end'} now; those devices have to sign in again. This session stays.`,
      confirmLabel: 'Revoke all other sessions',
    });
    if (ok) revokeOthers.mutate(others);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>My sessions</Title>
        <Button
          color="red"
          variant="light"
          disabled={others.length === 0}
          loading={revokeOthers.isPending}
          onClick={() => void askOthers()}
        >
          Revoke all other sessions
        </Button>
      </Group>
      <QueryState
        isPending={sessions.isPending}
        error={sessions.error}
        onRetry={() => void sessions.refetch()}
      >
        {sessions.data?.length === 0 ? (
          <EmptyState title="No live sessions" />
        ) : (
          <SessionsTable
            sessions={sessions.data ?? []}
            label="My sessions"
            action={(s) =>
              s.current ? (
                <Badge color="blue">This session</Badge>
              ) : (
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  aria-label={`Revoke the session started ${formatDateTime(s.createdAt)}`}
                  loading={revokeOne.isPending && revokeOne.variables?.id === s.id}
                  onClick={() => void askOne(s)}
                >
                  Revoke
                </Button>
              )
            }
          />
        )}
      </QueryState>
    </Stack>
  );
}
