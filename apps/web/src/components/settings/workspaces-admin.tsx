'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { formatRole } from '@/lib/format-role';
import { addMember, createWorkspace, removeMember, type WorkspaceSummary } from '@/lib/settings/workspaces';
import { OneTimeSecret } from './one-time-secret';
import styles from './settings.module.css';

/** The installation's workspaces, and a new one with its first admin (installation admins only). */
export function WorkspacesAdmin({ workspaces, currentId }: { workspaces: WorkspaceSummary[]; currentId: string }) {
  const router = useRouter();
  const [form, setForm] = useState({ name: '', email: '', displayName: '' });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<{ label: string; password: string } | null>(null);
  const [member, setMember] = useState<{ workspaceId: string; email: string; role: 'admin' | 'marketer' | 'support' }>({
    workspaceId: workspaces.find((w) => w.id !== currentId)?.id ?? currentId,
    email: '',
    role: 'support',
  });
  const [memberProblem, setMemberProblem] = useState<string | null>(null);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMemberProblem(null);
    const answer = await addMember(member.workspaceId, { email: member.email, role: member.role });
    setBusy(false);
    if (!answer.ok) return setMemberProblem(answer.message);
    setMember({ ...member, email: '' });
    router.refresh();
  };

  const remove = async (workspaceId: string, userId: string) => {
    setBusy(true);
    setMemberProblem(null);
    const answer = await removeMember(workspaceId, userId);
    setBusy(false);
    if (!answer.ok) return setMemberProblem(answer.message);
    router.refresh();
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const answer = await createWorkspace({
      name: form.name,
      admin: { email: form.email, ...(form.displayName.trim() ? { displayName: form.displayName } : {}) },
    });
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setCreated({
      label: `Password of ${answer.data.adminEmail}, first admin of “${answer.data.workspace.name}”`,
      password: answer.data.temporaryPassword,
    });
    setForm({ name: '', email: '', displayName: '' });
    router.refresh();
  };

  return (
    <>
      {created ? <OneTimeSecret label={created.label} value={created.password} onDone={() => setCreated(null)} /> : null}
      <div className={styles.tableWrap}>
        <table className={styles.table}>
          <caption className="visually-hidden">Workspaces of this installation</caption>
          <thead>
            <tr>
              <th scope="col">Workspace</th>
              <th scope="col">Admins</th>
              <th scope="col">Active users</th>
              <th scope="col">Added from other workspaces</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {workspaces.map((workspace) => (
              <tr key={workspace.id}>
                <td>
                  {workspace.name}
                  {workspace.id === currentId ? <span className={styles.muted}> (this one)</span> : null}
                </td>
                <td>
                  {workspace.admins.length > 0 ? workspace.admins.join(', ') : <span className={styles.badgeDanger}>No active admin</span>}
                </td>
                <td>{workspace.users}</td>
                <td>
                  {workspace.members.length === 0 ? <span className={styles.muted}>None</span> : null}
                  <ul className={styles.memberList}>
                    {workspace.members.map((m) => (
                      <li key={m.userId}>
                        {m.email} ({formatRole(m.role)}){' '}
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          disabled={busy}
                          aria-label={`Remove ${m.email} from ${workspace.name}`}
                          onClick={() => void remove(workspace.id, m.userId)}
                        >
                          Remove
                        </button>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{formatRelativeTime(workspace.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className={styles.card} aria-labelledby="add-member-title">
        <h2 id="add-member-title">Add a user to a workspace</h2>
        <p className={styles.hint}>
          Someone who already has a user in one workspace can work in another too, with a role of its own there. They switch between their
          workspaces in the header; removing them here ends their access to that workspace at their next click.
        </p>
        <form onSubmit={(event) => void add(event)}>
          <div className={styles.formGrid}>
            <div className={styles.field}>
              <label htmlFor="member-workspace">Workspace</label>
              <select
                id="member-workspace"
                className={styles.input}
                value={member.workspaceId}
                onChange={(e) => setMember({ ...member, workspaceId: e.target.value })}
              >
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            </div>
            <div className={styles.field}>
              <label htmlFor="member-email">User&apos;s email</label>
              <input
                id="member-email"
                className={styles.input}
                type="email"
                required
                value={member.email}
                onChange={(e) => setMember({ ...member, email: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="member-role">Role in that workspace</label>
              <select
                id="member-role"
                className={styles.input}
                value={member.role}
                onChange={(e) => {
                  const role = e.target.value;
                  if (role === 'admin' || role === 'marketer' || role === 'support') setMember({ ...member, role });
                }}
              >
                <option value="admin">Admin</option>
                <option value="marketer">Marketer</option>
                <option value="support">Support</option>
              </select>
            </div>
          </div>
          {memberProblem ? (
            <p className="notice notice-error" role="alert">
              {memberProblem}
            </p>
          ) : null}
          <div className={styles.formActions}>
            <button type="submit" className="button button-primary" disabled={busy}>
              Add to workspace
            </button>
          </div>
        </form>
      </section>
      <section className={styles.card} aria-labelledby="new-workspace-title">
        <h2 id="new-workspace-title">Create a workspace</h2>
        <p className={styles.hint}>
          A workspace has its own numbers, flows, contacts, users and settings; nothing is shared with the others. Its first admin gets a
          generated password, shown once here: hand it over, they add the rest of their team.
        </p>
        <form onSubmit={(event) => void create(event)}>
          <div className={styles.formGrid}>
            <div className={styles.field}>
              <label htmlFor="workspace-name">Workspace name</label>
              <input
                id="workspace-name"
                className={styles.input}
                required
                maxLength={200}
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="workspace-admin-email">First admin&apos;s email</label>
              <input
                id="workspace-admin-email"
                className={styles.input}
                type="email"
                required
                value={form.email}
                onChange={(e) => setForm({ ...form, email: e.target.value })}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor="workspace-admin-name">First admin&apos;s name</label>
              <input
                id="workspace-admin-name"
                className={styles.input}
                value={form.displayName}
                onChange={(e) => setForm({ ...form, displayName: e.target.value })}
              />
            </div>
          </div>
          {problem ? (
            <p className="notice notice-error" role="alert">
              {problem}
            </p>
          ) : null}
          <div className={styles.formActions}>
            <button type="submit" className="button button-primary" disabled={busy}>
              Create workspace
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
