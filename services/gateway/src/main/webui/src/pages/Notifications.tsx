import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { api, type Sent } from '../api';
import { useRole } from '../Shell';
import { formatTime, usePrefs } from '../prefs';
import { Loading, ProblemView, StateBadge } from '../ui';

// The notifier's channels, subscriptions and delivery log (/api/notifier/v1/...). A channel's secrets are written to
// the namespace's secrets in auth (PUT /api/auth/v1/namespaces/{ns}/secrets/{name}) and the channel names them: the
// browser sends a value once and never reads one back (the notifier answers "********").

type SecretRef = Sent<'notifier.SecretRef', 'name' | 'set' | 'value'>;
/** A channel; its settings are a JSON object (a JsonNode in the OpenAPI). */
type Channel = Omit<Sent<'notifier.ChannelView', 'id' | 'namespace' | 'name' | 'type' | 'maxAttempts' | 'createdAt'>,
  'settings' | 'secrets'> & { settings: Record<string, unknown>; secrets?: SecretRef[] };
type Subscription = Sent<'notifier.Subscription', 'id' | 'namespace' | 'channelId' | 'eventTypes' | 'enabled'>;
type Delivery = Sent<'notifier.Delivery', 'id' | 'channelId' | 'channelType' | 'eventType' | 'status' | 'attempts'
  | 'maxAttempts' | 'createdAt'>;

const EVENT_TYPES = ['run_failed', 'run_succeeded', 'sla_missed', 'data_test_failed', 'freshness_breached'];
const STATUSES = ['pending', 'delivered', 'dead_lettered'];
const q = encodeURIComponent;

export function NotificationsPage() {
  const { ns } = useParams({ from: '/namespaces/$ns/notifications' });
  const { writer } = useRole(ns);
  const channels = useQuery({ queryKey: ['channels', ns], queryFn: () => api<Channel[]>(`notifier/v1/channels?namespace=${q(ns)}`) });
  return (
    <section>
      <h1>Notifications</h1>
      <h2>Channels</h2>
      {writer && <NewChannel ns={ns} />}
      <ProblemView error={channels.error} what="Listing channels" />
      {channels.isPending ? <Loading /> : (
        <table className="grid" data-testid="channels">
          <thead><tr><th>Channel</th><th>Type</th><th>Secrets</th><th>Attempts</th><th>Created</th>{writer && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {(channels.data ?? []).map((c) => (
              <tr key={c.id} data-channel={c.name}>
                <td>{c.name}</td><td>{c.type}</td>
                <td>{(c.secrets ?? []).map((s) => `${s.name}: ${s.set ? 'set' : 'missing'}`).join(', ') || '—'}</td>
                <td>{c.maxAttempts}</td><td>{c.createdAt.slice(0, 19).replace('T', ' ')}</td>
                {writer && <td><TestChannel channel={c} /></td>}
              </tr>
            ))}
            {channels.data?.length === 0 && <tr><td colSpan={writer ? 6 : 5} className="muted">No channel yet.</td></tr>}
          </tbody>
        </table>
      )}
      <h2>Subscriptions</h2>
      <Subscriptions ns={ns} channels={channels.data ?? []} writer={writer} />
      <h2>Deliveries</h2>
      <Deliveries ns={ns} channels={channels.data ?? []} writer={writer} />
    </section>
  );
}

type Connection = Sent<'auth.ConnectionView', 'name' | 'kind'>;
type TestResult = Sent<'notifier.TestResult', 'delivered'>;
type Kind = 'webhook' | 'slack' | 'email';
/** The kind of namespace connection each channel type may name instead of its own secrets. */
const CONNECTION_KIND: Record<Kind, string> = { webhook: 'webhook', slack: 'slack', email: 'smtp' };
const KIND_LABEL: Record<Kind, string> = { webhook: 'webhook', slack: 'Slack channel', email: 'e-mail channel' };
const EMPTY = { name: '', url: '', signing: '', slackUrl: '', host: '', port: '', security: 'starttls', username: '',
  password: '', from: '', to: '', connection: '', maxAttempts: 3 };

/**
 * A new channel: a webhook (URL and signing key), Slack (incoming-webhook URL) or e-mail (SMTP server, login, sender,
 * recipients). What is secret goes to the namespace's secrets, write-only, and the channel names it; or the channel
 * names a whole connection of the namespace (kept by auth: PUT /api/auth/v1/namespaces/{ns}/connections/{name}) of the
 * matching kind.
 */
function NewChannel({ ns }: { ns: string }) {
  const client = useQueryClient();
  const [kind, setKind] = useState<Kind>('webhook');
  const [source, setSource] = useState<'secrets' | 'connection'>('secrets');
  const [form, setForm] = useState(EMPTY);
  const set = (field: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const connections = useQuery({
    queryKey: ['connections', ns],
    queryFn: () => api<Connection[]>(`auth/v1/namespaces/${q(ns)}/connections`),
    enabled: source === 'connection',
  });
  const usable = (connections.data ?? []).filter((c) => c.kind === CONNECTION_KIND[kind]);
  const chosen = usable.some((c) => c.name === form.connection) ? form.connection : usable[0]?.name ?? '';
  const create = useMutation({
    mutationFn: async () => {
      const secret = (name: string, value: string) =>
        api(`auth/v1/namespaces/${q(ns)}/secrets/${q(name)}`, { method: 'PUT', json: { value } });
      const settings: Record<string, unknown> = {};
      if (source === 'connection') {
        settings.connection = chosen;
      } else if (kind === 'webhook') {
        settings.urlRef = `${form.name}-url`;
        settings.signingSecretRef = `${form.name}-signing`;
        await secret(`${form.name}-url`, form.url);
        await secret(`${form.name}-signing`, form.signing);
      } else if (kind === 'slack') {
        settings.webhookUrlRef = `${form.name}-webhook-url`;
        await secret(`${form.name}-webhook-url`, form.slackUrl);
      } else {
        Object.assign(settings, { host: form.host, from: form.from });
        if (form.port) settings.port = Number(form.port);
        if (form.username) settings.username = form.username;
        if (form.password) {
          settings.passwordRef = `${form.name}-smtp-password`;
          await secret(`${form.name}-smtp-password`, form.password);
        }
      }
      if (kind === 'email') {
        settings.security = form.security;
        settings.to = form.to.split(/[,\s]+/).filter(Boolean);
      }
      return api<Channel>('notifier/v1/channels', {
        method: 'POST',
        json: { namespace: ns, name: form.name, type: kind, settings, maxAttempts: form.maxAttempts },
      });
    },
    onSuccess: () => {
      setForm(EMPTY);
      client.invalidateQueries({ queryKey: ['channels', ns] });
    },
  });
  const writeOnly = { type: 'password', autoComplete: 'off' } as const;
  return (
    <>
      <form className="toolbar" aria-label="New channel" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
        <label className="field"><span>Type</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="webhook">webhook</option><option value="slack">Slack</option><option value="email">e-mail</option>
          </select></label>
        <label className="field"><span>Channel name</span>
          <input value={form.name} required maxLength={63} pattern="[a-z0-9][a-z0-9-]*" onChange={set('name')} /></label>
        <label className="field"><span>Settings from</span>
          <select value={source} onChange={(e) => setSource(e.target.value as 'secrets' | 'connection')}>
            <option value="secrets">values entered here</option>
            <option value="connection">a {CONNECTION_KIND[kind]} connection</option>
          </select></label>
        {source === 'connection' && (
          <label className="field"><span>Connection</span>
            <select value={chosen} required onChange={set('connection')}>
              {usable.length === 0 && <option value="">no {CONNECTION_KIND[kind]} connection in {ns}</option>}
              {usable.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
            </select></label>
        )}
        {source === 'secrets' && kind === 'webhook' && (<>
          <label className="field"><span>Webhook URL (write-only)</span>
            <input {...writeOnly} value={form.url} required maxLength={2000} onChange={set('url')} /></label>
          <label className="field"><span>Signing secret (write-only)</span>
            <input {...writeOnly} value={form.signing} required maxLength={500} onChange={set('signing')} /></label>
        </>)}
        {source === 'secrets' && kind === 'slack' && (
          <label className="field"><span>Slack incoming-webhook URL (write-only)</span>
            <input {...writeOnly} value={form.slackUrl} required maxLength={2000} onChange={set('slackUrl')} /></label>
        )}
        {source === 'secrets' && kind === 'email' && (<>
          <label className="field"><span>SMTP host</span>
            <input value={form.host} required maxLength={253} onChange={set('host')} /></label>
          <label className="field"><span>Port</span>
            <input type="number" min={1} max={65535} value={form.port} placeholder="by security" onChange={set('port')} /></label>
          <label className="field"><span>Sender</span>
            <input type="email" value={form.from} required maxLength={320} onChange={set('from')} /></label>
          <label className="field"><span>SMTP user</span>
            <input value={form.username} maxLength={320} autoComplete="off" onChange={set('username')} /></label>
          <label className="field"><span>SMTP password (write-only)</span>
            <input {...writeOnly} value={form.password} maxLength={500} required={form.username !== ''} onChange={set('password')} /></label>
        </>)}
        {kind === 'email' && (<>
          <label className="field"><span>Security</span>
            <select value={form.security} onChange={set('security')}>
              <option value="starttls">STARTTLS</option><option value="ssl">SSL/TLS</option><option value="none">none (trusted relay)</option>
            </select></label>
          <label className="field"><span>Recipients</span>
            <input value={form.to} required maxLength={4000} placeholder="a@example.com, b@example.com" onChange={set('to')} /></label>
        </>)}
        <label className="field"><span>Attempts</span>
          <input type="number" min={1} max={20} value={form.maxAttempts} onChange={(e) => setForm({ ...form, maxAttempts: Math.min(Math.max(Number(e.target.value) || 1, 1), 20) })} /></label>
        <button type="submit" disabled={create.isPending}>Add {KIND_LABEL[kind]}</button>
      </form>
      <ProblemView error={connections.error} what="Listing the namespace's connections" />
      <ProblemView error={create.error} what="Adding the channel" />
    </>
  );
}

/** Sends a sample notification through a channel now and shows what happened (never a secret: the server masks them). */
function TestChannel({ channel }: { channel: Channel }) {
  const test = useMutation({
    mutationFn: () => api<TestResult>(`notifier/v1/channels/${q(channel.id)}/test`, { method: 'POST' }),
  });
  return (
    <>
      <button type="button" onClick={() => test.mutate()} disabled={test.isPending} aria-label={`Send test through ${channel.name}`}>Send test</button>
      {test.data && (
        <span role="status" className={test.data.delivered ? '' : 'error-text'}>
          {test.data.delivered ? ' Delivered' : ` Not delivered${test.data.responseCode ? ` (${test.data.responseCode})` : ''}: ${test.data.error ?? ''}`}
        </span>
      )}
      <ProblemView error={test.error} what={`Testing ${channel.name}`} />
    </>
  );
}

function Subscriptions({ ns, channels, writer }: { ns: string; channels: Channel[]; writer: boolean }) {
  const client = useQueryClient();
  const subs = useQuery({ queryKey: ['subscriptions', ns], queryFn: () => api<Subscription[]>(`notifier/v1/subscriptions?namespace=${q(ns)}`) });
  const [form, setForm] = useState({ channelId: '', eventTypes: ['run_failed'], pipelineId: '' });
  const create = useMutation({
    mutationFn: () => api<Subscription>('notifier/v1/subscriptions', {
      method: 'POST',
      json: { namespace: ns, channelId: form.channelId || channels[0]?.id, eventTypes: form.eventTypes, pipelineId: form.pipelineId || undefined },
    }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['subscriptions', ns] }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`notifier/v1/subscriptions/${q(id)}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['subscriptions', ns] }),
  });
  const name = (id: string) => channels.find((c) => c.id === id)?.name ?? id;
  return (
    <>
      {writer && channels.length > 0 && (
        <form className="toolbar" aria-label="New subscription" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
          <label className="field"><span>Channel</span>
            <select value={form.channelId || channels[0].id} onChange={(e) => setForm({ ...form, channelId: e.target.value })}>
              {channels.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select></label>
          <fieldset className="check">
            <legend className="sr-only">Events</legend>
            {EVENT_TYPES.map((t) => (
              <label key={t} className="check"><input type="checkbox" checked={form.eventTypes.includes(t)}
                onChange={(e) => setForm({ ...form, eventTypes: e.target.checked ? [...form.eventTypes, t] : form.eventTypes.filter((x) => x !== t) })} />{t}</label>
            ))}
          </fieldset>
          <label className="field"><span>Only pipeline (optional)</span>
            <input value={form.pipelineId} maxLength={100} onChange={(e) => setForm({ ...form, pipelineId: e.target.value })} /></label>
          <button type="submit" disabled={create.isPending || form.eventTypes.length === 0}>Subscribe</button>
        </form>
      )}
      <ProblemView error={create.error} what="Subscribing" />
      <ProblemView error={remove.error} what="Removing the subscription" />
      <ProblemView error={subs.error} what="Listing subscriptions" />
      {subs.data && (
        <table className="grid" data-testid="subscriptions">
          <thead><tr><th>Channel</th><th>Events</th><th>Pipeline</th><th>Enabled</th>{writer && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {subs.data.map((s) => (
              <tr key={s.id} data-channel={name(s.channelId)}>
                <td>{name(s.channelId)}</td><td>{s.eventTypes.join(', ')}</td><td>{s.pipelineId ?? 'any'}</td><td>{s.enabled ? 'yes' : 'no'}</td>
                {writer && <td><button type="button" onClick={() => remove.mutate(s.id)} aria-label={`Remove subscription of ${name(s.channelId)}`}>Remove</button></td>}
              </tr>
            ))}
            {subs.data.length === 0 && <tr><td colSpan={5} className="muted">No subscription yet.</td></tr>}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The delivery log with each delivery's attempts and last error; a dead-lettered one can be sent again. */
function Deliveries({ ns, channels, writer }: { ns: string; channels: Channel[]; writer: boolean }) {
  const prefs = usePrefs();
  const client = useQueryClient();
  const search = useSearch({ from: '/namespaces/$ns/notifications' });
  const navigate = useNavigate({ from: '/namespaces/$ns/notifications' });
  const params = new URLSearchParams({ namespace: ns, limit: '200' });
  if (search.status) params.set('status', search.status);
  const deliveries = useQuery({
    queryKey: ['deliveries', ns, search.status],
    queryFn: () => api<Delivery[]>(`notifier/v1/deliveries?${params}`),
    refetchInterval: 5_000,
  });
  const resend = useMutation({
    mutationFn: (id: string) => api(`notifier/v1/deliveries/${q(id)}/redeliver`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['deliveries', ns] }),
  });
  const name = (id: string) => channels.find((c) => c.id === id)?.name ?? id;
  return (
    <>
      <div className="toolbar">
        <label className="field"><span>Status</span>
          <select value={search.status ?? ''} onChange={(e) => navigate({ search: { status: e.target.value || undefined } })}>
            <option value="">any</option>{STATUSES.map((s) => <option key={s}>{s}</option>)}
          </select></label>
        <Link to="/namespaces/$ns/notifications" params={{ ns }} search={{ status: 'dead_lettered' }}>Dead letters</Link>
      </div>
      <ProblemView error={deliveries.error} what="Reading the delivery log" />
      <ProblemView error={resend.error} what="Resending" />
      {resend.isSuccess && <p role="status">Sent again: the delivery is pending with the channel's attempts.</p>}
      {deliveries.data && (
        <table className="grid" data-testid="deliveries">
          <thead><tr><th>Event</th><th>Channel</th><th>Status</th><th>Attempts</th><th>Response</th><th>Last error</th><th>Created</th>{writer && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {deliveries.data.map((d) => (
              <tr key={d.id} data-delivery={d.id}>
                <td>{d.eventType}</td><td>{name(d.channelId)}</td><td><StateBadge state={d.status} /></td>
                <td>{d.attempts}/{d.maxAttempts}</td><td>{d.responseCode ?? '—'}</td>
                <td className="error-text">{d.lastError ?? ''}</td><td>{formatTime(d.createdAt, prefs.tz)}</td>
                {writer && <td>{d.status === 'dead_lettered' && (
                  <button type="button" onClick={() => resend.mutate(d.id)} disabled={resend.isPending}>Resend</button>)}</td>}
              </tr>
            ))}
            {deliveries.data.length === 0 && <tr><td colSpan={8} className="muted">No delivery{search.status ? ` with status ${search.status}` : ''}.</td></tr>}
          </tbody>
        </table>
      )}
    </>
  );
}
