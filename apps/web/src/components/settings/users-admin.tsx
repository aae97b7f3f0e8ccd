'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { formatRole } from '@/lib/format-role';
import { USER_ROLES, type UserRole } from '@/lib/session-user';
import { createUser, resetPassword, updateUser, type WorkspaceUser } from '@/lib/settings/users';
import { ConfirmDialog } from '../confirm-dialog';
import { OneTimeSecret } from './one-time-secret';
import styles from './settings.module.css';

const ROLE_HINTS: Record<UserRole, string> = {
  admin: 'Everything, including users, numbers and settings.',
  marketer: 'Builds flows; reads executions, contacts and reports.',
  support: 'Answers customers in the inbox; reads flows and contacts.',
};

interface NewUserForm {
  email: string;
  displayName: string;
  role: UserRole;
  password: string;
}

const EMPTY_FORM: NewUserForm = { email: '', displayName: '', role: 'support', password: '' };

type Asking = { kind: 'deactivate' | 'reset'; user: WorkspaceUser } | null;

/** The users of the workspace: add one with a role, change roles, deactivate, reset a password. */
export function UsersAdmin({ users, currentUserId }: { users: WorkspaceUser[]; currentUserId: string }) {
  const router = useRouter();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [form, setForm] = useState<NewUserForm>(EMPTY_FORM);
  const [formProblem, setFormProblem] = useState<string | null>(null);
  // Members added from other workspaces do not count: the last-admin rule is about the workspace's own users.
  const activeAdmins = users.filter((u) => u.role === 'admin' && !u.disabled && u.addedFrom === null).length;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFormProblem(null);
    const answer = await createUser(form);
    setBusy(false);
    if (!answer.ok) return setFormProblem(answer.message);
    setForm(EMPTY_FORM);
    router.refresh();
  };

  const change = async (user: WorkspaceUser, patch: { role?: UserRole; disabled?: boolean }) => {
    setBusy(true);
    setProblem(null);
    const answer = await updateUser(user.id, patch);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setAsking(null);
    router.refresh();
  };

  const reset = async (user: WorkspaceUser) => {
    setBusy(true);
    setProblem(null);
    const answer = await resetPassword(user.id);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setAsking(null);
    setSecret({ label: `New password for ${user.email}`, value: answer.data.temporaryPassword });
  };

  return (
    <>
      {problem && asking === null ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      {secret ? <OneTimeSecret label={secret.label} value={secret.value} onDone={() => setSecret(null)} /> : null}
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <caption className="visually-hidden">Users of this workspace</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => {
              const self = user.id === currentUserId;
              const lastAdmin = user.role === 'admin' && !user.disabled && activeAdmins <= 1;
              const locked = self || lastAdmin;
              const who = user.displayName || user.email;
              if (user.addedFrom !== null) {
                return (
                  <tr key={user.id}>
                    <td>
                      {user.displayName || <span className={styles.muted}>—</span>}
                      {self ? <span className={styles.muted}> (you)</span> : null}
                    </td>
                    <td>{user.email}</td>
                    <td>{formatRole(user.role)}</td>
                    <td>
                      {user.disabled ? (
                        <span className={`${styles.status} ${styles.statusBad}`}>Deactivated</span>
                      ) : (
                        <span className={`${styles.status} ${styles.statusGood}`}>Active</span>
                      )}
                    </td>
                    <td className={styles.muted}>Added from {user.addedFrom}; an installation admin manages this under Workspaces</td>
                  </tr>
                );
              }
              return (
                <tr key={user.id}>
                  <td>
                    {user.displayName || <span className={styles.muted}>—</span>}
                    {self ? <span className={styles.muted}> (you)</span> : null}
                  </td>
                  <td>{user.email}</td>
                  <td>
                    <select
                      className={styles.select}
                      aria-label={`Role of ${who}`}
                      value={user.role}
                      disabled={busy || (locked && user.role === 'admin')}
                      title={locked && user.role === 'admin' ? 'The last active admin, or yourself: ask another admin' : undefined}
                      onChange={(event) => {
                        const role = USER_ROLES.find((r) => r === event.target.value);
                        if (role) void change(user, { role });
                      }}
                    >
                      {USER_ROLES.map((role) => (
                        <option key={role} value={role}>
                          {formatRole(role)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {user.disabled ? (
                      <span className={`${styles.status} ${styles.statusBad}`}>Deactivated</span>
                    ) : (
                      <span className={`${styles.status} ${styles.statusGood}`}>Active</span>
                    )}
                  </td>
                  <td>
                    <div className={styles.rowActions}>
                      {user.disabled ? (
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          disabled={busy}
                          aria-label={`Re-activate ${who}`}
                          onClick={() => void change(user, { disabled: false })}
                        >
                          Re-activate
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          disabled={busy || locked}
                          aria-label={`Deactivate ${who}`}
                          title={locked ? 'The last active admin, or yourself: ask another admin' : undefined}
                          onClick={() => setAsking({ kind: 'deactivate', user })}
                        >
                          Deactivate
                        </button>
                      )}
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        disabled={busy || user.disabled}
                        aria-label={`Reset password of ${who}`}
                        onClick={() => setAsking({ kind: 'reset', user })}
                      >
                        Reset password
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <section className={styles.card} aria-labelledby="add-user-title">
        <h2 id="add-user-title">Add a user</h2>
        <p className={styles.hint}>
          They sign in with this email and the password you give them (share it in person or through your password manager).
        </p>
        <form onSubmit={(event) => void create(event)}>
          <div className={styles.formGrid}>
            <div className={styles.field}>
              <label htmlFor="new-user-email">Email</label>
              <input
                id="new-user-email"
                className={styles.input}
                type="email"
                required
                value={form.email}
                onChange={(e) => setForm({ ...form, email: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="new-user-name">Name</label>
              <input
                id="new-user-name"
                className={styles.input}
                value={form.displayName}
                onChange={(e) => setForm({ ...form, displayName: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="new-user-role">Role</label>
              <select
                id="new-user-role"
                className={styles.select}
                value={form.role}
                aria-describedby="new-user-role-hint"
                onChange={(e) => setForm({ ...form, role: USER_ROLES.find((r) => r === e.target.value) ?? 'support' })}
              >
                {USER_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {formatRole(role)}
                  </option>
                ))}
              </select>
              <span id="new-user-role-hint" className={styles.fieldHint}>
                {ROLE_HINTS[form.role]}
              </span>
            </div>
            <div className={styles.field}>
              <label htmlFor="new-user-password">Initial password</label>
              <input
                id="new-user-password"
                className={styles.input}
                type="password"
                autoComplete="new-password"
                minLength={10}
                required
                value={form.password}
                aria-describedby="new-user-password-hint"
                onChange={(e) => setForm({ ...form, password: e.target.value })}
              />
              <span id="new-user-password-hint" className={styles.fieldHint}>
                At least 10 characters
              </span>
            </div>
          </div>
          {formProblem ? (
            <p className="notice notice-error" role="alert">
              {formProblem}
            </p>
          ) : null}
          <div className={styles.formActions}>
            <button type="submit" className="button button-primary" disabled={busy}>
              Add user
            </button>
          </div>
        </form>
      </section>

      <ConfirmDialog
        open={asking?.kind === 'deactivate'}
        title={`Deactivate ${asking?.user.email ?? ''}?`}
        confirmLabel="Deactivate"
        danger
        busy={busy}
        problem={problem}
        onClose={() => {
          setAsking(null);
          setProblem(null);
        }}
        onConfirm={() => asking && void change(asking.user, { disabled: true })}
      >
        <p>They are signed out at once and cannot sign in until re-activated. Their flows, notes and history stay.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={asking?.kind === 'reset'}
        title={`Reset the password of ${asking?.user.email ?? ''}?`}
        confirmLabel="Reset password"
        busy={busy}
        problem={problem}
        onClose={() => {
          setAsking(null);
          setProblem(null);
        }}
        onConfirm={() => asking && void reset(asking.user)}
      >
        <p>Parley makes a new password and shows it to you once. Their current sessions end.</p>
      </ConfirmDialog>
    </>
  );
}
