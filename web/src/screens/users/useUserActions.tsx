import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useConfirm } from '../../components/confirm';
import { type Secret, SecretDialog } from '../../components/SecretDialog';
import { api, type User, unwrap } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { RegenerateMessage } from './GraceChoice';
import { notify } from './notify';
import { USERS_KEY } from './queries';
import { tokenNote, UserFormModal } from './UserFormModal';

export type UserAction =
  'edit' | 'reset' | 'resetMfa' | 'regenerate' | 'revokePrevious' | 'toggle' | 'revoke' | 'delete';

const path = (user: User) => ({ params: { path: { id: user.id } } });

/**
 * The Actions of the user list and the detail panel: each destructive one asks first, saying what
 * happens; a temporary password or a new token shows once in the secret dialog. Render `dialogs`.
 */
export function useUserActions(options: { onDeleted?: (user: User) => void } = {}) {
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<Secret | null>(null);
  const [form, setForm] = useState<{ user: User | null } | null>(null);

  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      notify(errorText(e), { color: 'red', title: `Could not ${what}` });
    } finally {
      await queryClient.invalidateQueries({ queryKey: USERS_KEY });
    }
  };

  const run = async (action: UserAction, user: User) => {
    const who = user.username;
    switch (action) {
      case 'edit':
        setForm({ user });
        return;
      case 'reset':
        if (
          !(await confirm({
            title: `Reset the password of ${who}?`,
            message: `${who} gets a temporary password: their sessions end and they must choose a new password at next sign-in.`,
            confirmLabel: 'Reset Password',
          }))
        )
          return;
        return attempt('reset the password', async () => {
          const { temporaryPassword } = await unwrap(
            api.POST('/auth/api/users/{id}/reset-password', path(user)),
          );
          setSecret({
            title: `Temporary password for ${who}`,
            label: 'Temporary password',
            value: temporaryPassword,
            note: `Give it to ${who} over a safe channel; they must choose a new password at next sign-in.`,
          });
        });
      case 'resetMfa':
        if (
          !(await confirm({
            title: `Reset the two-factor sign-in of ${who}?`,
            message: `${who}'s authenticator and recovery codes stop working; they sign in with the password alone and set up two-factor sign-in again (at once, where their role requires it).`,
            confirmLabel: 'Reset MFA',
          }))
        )
          return;
        return attempt('reset MFA', async () => {
          await unwrap(api.POST('/auth/api/users/{id}/reset-mfa', path(user)));
          notify(`Two-factor sign-in of ${who} is reset.`);
        });
      case 'regenerate': {
        const grace = { hours: 0 };
        if (
          !(await confirm({
            title: `Regenerate the API token of ${who}?`,
            message: <RegenerateMessage onGrace={(hours) => (grace.hours = hours)} />,
            confirmLabel: 'Regenerate API Token',
          }))
        )
          return;
        return attempt('regenerate the token', async () => {
          const answer = await unwrap(
            api.POST('/auth/api/users/{id}/regenerate-token', {
              ...path(user),
              body: { graceHours: grace.hours },
            }),
          );
          const until = answer.previousTokenValidUntil;
          setSecret({
            title: `New API token for ${who}`,
            label: 'API token',
            value: answer.apiToken,
            note:
              tokenNote(answer.expiresAt) +
              (until
                ? ` The old token keeps working until ${formatDateTime(until)}.`
                : ' The old token no longer works.'),
          });
        });
      }
      case 'revokePrevious':
        if (
          !(await confirm({
            title: `Revoke the previous API token of ${who}?`,
            message:
              'The old token stops working now, before its grace ends; only the current token keeps working.',
            confirmLabel: 'Revoke Previous Token',
          }))
        )
          return;
        return attempt('revoke the previous token', async () => {
          await unwrap(api.POST('/auth/api/users/{id}/revoke-previous-token', path(user)));
          notify(`The previous token of ${who} no longer works.`);
        });
      case 'toggle': {
        const deactivate = user.isActive;
        const ok = await confirm({
          title: deactivate ? `Deactivate ${who}?` : `Activate ${who}?`,
          message: deactivate
            ? `${who} can't sign in and their sessions end; an API user's token is suspended until reactivated.`
            : `${who} can sign in again; an API user's token works again unless it expired or was regenerated.`,
          confirmLabel: deactivate ? 'Deactivate' : 'Activate',
          danger: deactivate,
        });
        if (!ok) return;
        return attempt(deactivate ? 'deactivate' : 'activate', async () => {
          const saved = await unwrap(api.POST('/auth/api/users/{id}/toggle-status', path(user)));
          notify(`${who} is now ${saved.isActive ? 'active' : 'inactive'}.`);
        });
      }
      case 'revoke':
        if (
          !(await confirm({
            title: `Revoke the sessions of ${who}?`,
            message: `All their sessions end now; ${who} must sign in again.`,
            confirmLabel: 'Revoke Sessions',
          }))
        )
          return;
        return attempt('revoke the sessions', async () => {
          const { revoked } = await unwrap(api.POST('/auth/api/users/{id}/revoke-sessions', path(user)));
          notify(`Ended ${revoked} ${revoked === 1 ? 'session' : 'sessions'} of ${who}.`);
        });
      case 'delete':
        if (
          !(await confirm({
            title: `Delete ${who}?`,
            message: `${who} is deleted: this can't be undone; audit entries about them are kept.`,
            confirmLabel: 'Delete',
          }))
        )
          return;
        return attempt('delete the user', async () => {
          await unwrap(api.DELETE('/auth/api/users/{id}', path(user)));
          notify(`Deleted ${who}.`);
          options.onDeleted?.(user);
        });
    }
  };

  const dialogs = (
    <>
      {form && (
        <UserFormModal
          key={form.user?.id ?? 'new'}
          opened
          user={form.user}
          onClose={() => setForm(null)}
          onSecret={setSecret}
        />
      )}
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
    </>
  );

  return { run, create: () => setForm({ user: null }), dialogs };
}
