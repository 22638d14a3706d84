import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { api, type Sent } from '../api';
import { formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView } from '../ui';

// Auth's users, role bindings, service accounts, API tokens and audit log (GET/POST /api/auth/v1/...). Every list is
// what the server answers for the caller: a non-admin gets auth's own 403 problem, shown where the list would be.

type UserView = Sent<'auth.UserView', 'id' | 'username' | 'email' | 'disabled' | 'locked' | 'createdAt'>;
type Binding = Sent<'auth.RoleBindingView', 'id' | 'principalKind' | 'principal' | 'namespace' | 'role' | 'createdAt'>;
type ServiceAccount = Omit<Sent<'auth.ServiceAccountView', 'id' | 'name' | 'clientId' | 'disabled' | 'createdAt'>, 'bindings'>
  & { bindings: Sent<'auth.NamespaceRole', 'namespace' | 'role'>[] };
type ApiToken = Sent<'auth.ApiTokenView', 'id' | 'name' | 'prefix' | 'createdAt' | 'expiresAt'>;
type AuditEntry = Sent<'auth.AuditEntry', 'id' | 'at' | 'actor' | 'action'>;

const TABS = ['bindings', 'users', 'service-accounts', 'tokens', 'audit'] as const;
const TAB_NAMES: Record<string, string> = {
  bindings: 'Role bindings', users: 'Users', 'service-accounts': 'Service accounts', tokens: 'API tokens', audit: 'Audit log',
};
const ROLES = ['viewer', 'analyst', 'engineer', 'admin'];
/** The audit log's time windows (ms; 0 = all time). */
const AUDIT_WINDOWS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, all: 0 };

export function AccessPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/access' });
  const { tab = 'bindings' } = useSearch({ from: '/namespaces/$ns/access' });
  return (
    <section>
      <h1>Access</h1>
      <div className="tabs">
        <div role="tablist" aria-label="Access views">
          {TABS.map((t) => (
            <Link key={t} role="tab" aria-selected={tab === t} to="/namespaces/$ns/access" params={{ ns }}
              search={{ tab: t }}>{TAB_NAMES[t]}</Link>
          ))}
        </div>
      </div>
      {tab === 'bindings' && <Bindings ns={ns} />}
      {tab === 'users' && <Users />}
      {tab === 'service-accounts' && <ServiceAccounts ns={ns} />}
      {tab === 'tokens' && <Tokens />}
      {tab === 'audit' && <Audit ns={ns} />}
    </section>
  );
}

function Bindings({ ns }: { ns: string }) {
  const prefs = usePrefs();
  const client = useQueryClient();
  const bindings = useQuery({
    queryKey: ['role-bindings', ns],
    queryFn: () => api<Binding[]>(`auth/v1/role-bindings?namespace=${encodeURIComponent(ns)}`),
  });
  const [form, setForm] = useState({ principalKind: 'user', principal: '', role: 'viewer' });
  const done = () => client.invalidateQueries({ queryKey: ['role-bindings', ns] });
  const grant = useMutation({
    mutationFn: () => api<Binding>('auth/v1/role-bindings', { method: 'POST', json: { ...form, namespace: ns } }),
    onSuccess: () => { setForm((f) => ({ ...f, principal: '' })); done(); },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api<void>(`auth/v1/role-bindings/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: done,
  });
  return (
    <>
      <form className="toolbar" aria-label="Grant a role" onSubmit={(e) => { e.preventDefault(); grant.mutate(); }}>
        <label className="field"><span>Kind</span>
          <select value={form.principalKind} onChange={(e) => setForm({ ...form, principalKind: e.target.value })}>
            <option value="user">user</option><option value="service_account">service account</option>
          </select>
        </label>
        <label className="field"><span>Principal</span>
          <input value={form.principal} maxLength={100} required onChange={(e) => setForm({ ...form, principal: e.target.value })} />
        </label>
        <label className="field"><span>Role in {ns}</span>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => <option key={r}>{r}</option>)}
          </select>
        </label>
        <button type="submit" disabled={grant.isPending || !form.principal}>Grant</button>
      </form>
      <ProblemView error={grant.error} what="Granting" />
      <ProblemView error={remove.error} what="Removing" />
      <ProblemView error={bindings.error} what="Listing role bindings" />
      {bindings.isPending ? <Loading /> : bindings.data && (
        <table className="grid" data-testid="bindings">
          <thead><tr><th>Principal</th><th>Kind</th><th>Role</th><th>Since</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {bindings.data.map((b) => (
              <tr key={b.id} data-principal={b.principal}>
                <td>{b.principal}</td><td>{b.principalKind}</td><td>{b.role}</td><td>{formatTime(b.createdAt, prefs.tz)}</td>
                <td><button type="button" onClick={() => remove.mutate(b.id)} aria-label={`Remove ${b.role} of ${b.principal}`}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Users() {
  const prefs = usePrefs();
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<UserView[]>('auth/v1/users') });
  return (
    <>
      <ProblemView error={users.error} what="Listing users" />
      {users.isPending ? <Loading /> : users.data && (
        <table className="grid" data-testid="users">
          <thead><tr><th>User</th><th>Email</th><th>State</th><th>Created</th></tr></thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id}><td>{u.username}</td><td>{u.email}</td>
                <td>{u.disabled ? 'disabled' : u.locked ? 'locked' : 'active'}</td><td>{formatTime(u.createdAt, prefs.tz)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function ServiceAccounts({ ns }: { ns: string }) {
  const accounts = useQuery({ queryKey: ['service-accounts'], queryFn: () => api<ServiceAccount[]>('auth/v1/service-accounts') });
  const mine = (accounts.data ?? []).filter((a) => a.bindings.some((b) => b.namespace === ns || b.namespace === '*'));
  return (
    <>
      <ProblemView error={accounts.error} what="Listing service accounts" />
      {accounts.isPending ? <Loading /> : (
        <table className="grid" data-testid="service-accounts">
          <thead><tr><th>Account</th><th>Client id</th><th>Roles</th><th>State</th></tr></thead>
          <tbody>
            {mine.map((a) => (
              <tr key={a.id}><td>{a.name}</td><td><code>{a.clientId}</code></td>
                <td>{a.bindings.map((b) => `${b.role} in ${b.namespace}`).join(', ')}</td><td>{a.disabled ? 'disabled' : 'active'}</td></tr>
            ))}
            {mine.length === 0 && <tr><td colSpan={4} className="muted">No service account is bound in {ns}.</td></tr>}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The caller's own API tokens; a new one is shown once, here, and never again. */
function Tokens() {
  const prefs = usePrefs();
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ['api-tokens'], queryFn: () => api<ApiToken[]>('auth/v1/api-tokens') });
  const [name, setName] = useState('');
  const [days, setDays] = useState(30);
  const create = useMutation({
    // (auth's OpenAPI describes this answer only as a JSON object: typed here)
    mutationFn: () => api<{ apiToken: ApiToken; token: string }>('auth/v1/api-tokens', {
      method: 'POST', json: { name, expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() },
    }),
    onSuccess: () => { setName(''); client.invalidateQueries({ queryKey: ['api-tokens'] }); },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<void>(`auth/v1/api-tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  return (
    <>
      <form className="toolbar" aria-label="New API token" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
        <label className="field"><span>Token name</span>
          <input value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field"><span>Expires in (days)</span>
          <input type="number" min={1} max={365} value={days} onChange={(e) => setDays(Math.min(Math.max(Number(e.target.value) || 1, 1), 365))} />
        </label>
        <button type="submit" disabled={create.isPending || !name}>Create token</button>
      </form>
      {create.data && (
        <div role="status" className="banner" data-testid="new-token">
          Copy it now, it is not shown again: <code>{create.data.token}</code>
        </div>
      )}
      <ProblemView error={create.error} what="Creating the token" />
      <ProblemView error={revoke.error} what="Revoking" />
      <ProblemView error={tokens.error} what="Listing your tokens" />
      {tokens.data && (
        <table className="grid" data-testid="tokens">
          <thead><tr><th>Name</th><th>Prefix</th><th>Expires</th><th>Last used</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id} data-token={t.name}>
                <td>{t.name}</td><td><code>{t.prefix}…</code></td><td>{formatTime(t.expiresAt, prefs.tz)}</td>
                <td>{formatTime(t.lastUsedAt, prefs.tz)}</td>
                <td>{t.revokedAt ? 'revoked' : <button type="button" onClick={() => revoke.mutate(t.id)} aria-label={`Revoke ${t.name}`}>Revoke</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Audit({ ns }: { ns: string }) {
  const prefs = usePrefs();
  const search = useSearch({ from: '/namespaces/$ns/access' });
  const navigate = useNavigate({ from: '/namespaces/$ns/access' });
  // a default window, so that the log is never read whole: the last 7 days unless the URL says otherwise
  const since = AUDIT_WINDOWS[search.since ?? '7d'] !== undefined ? search.since ?? '7d' : '7d';
  const params = new URLSearchParams({ namespace: ns, limit: '200' });
  if (search.actor) params.set('actor', search.actor);
  if (search.action) params.set('action', search.action);
  if (AUDIT_WINDOWS[since]) params.set('since', new Date(Date.now() - AUDIT_WINDOWS[since]).toISOString());
  const events = useQuery({
    queryKey: ['audit', ns, search.actor, search.action, since],
    queryFn: () => api<AuditEntry[]>(`auth/v1/audit-events?${params}`),
  });
  return (
    <>
      <div className="toolbar">
        <label className="field"><span>Actor</span>
          <input value={search.actor ?? ''} maxLength={100} onChange={(e) => navigate({ search: { ...search, actor: e.target.value || undefined } })} />
        </label>
        <label className="field"><span>Action</span>
          <input value={search.action ?? ''} maxLength={100} onChange={(e) => navigate({ search: { ...search, action: e.target.value || undefined } })} />
        </label>
        <label className="field"><span>Within</span>
          <select value={since} onChange={(e) => navigate({ search: { ...search, since: e.target.value === '7d' ? undefined : e.target.value } })}>
            {Object.keys(AUDIT_WINDOWS).map((w) => <option key={w} value={w}>{w === 'all' ? 'all time' : `the last ${w}`}</option>)}
          </select>
        </label>
      </div>
      <ProblemView error={events.error} what="Reading the audit log" />
      {events.isPending ? <Loading /> : events.data && (
        <table className="grid" data-testid="audit">
          <thead><tr><th>When</th><th>Actor</th><th>Action</th><th>Target</th><th>Request id</th></tr></thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.id}><td>{formatTime(e.at, prefs.tz)}</td><td>{e.actor}</td><td>{e.action}</td>
                <td>{e.target ?? '—'}</td><td>{e.requestId ? <code>{e.requestId}</code> : '—'}</td></tr>
            ))}
            {events.data.length === 0 && <tr><td colSpan={5} className="muted">Nothing recorded for these filters.</td></tr>}
          </tbody>
        </table>
      )}
    </>
  );
}
