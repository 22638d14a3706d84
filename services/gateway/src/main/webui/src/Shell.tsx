import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useParams, useRouterState } from '@tanstack/react-router';
import { api, canQuery, canWrite, type Access } from './api';
import { setPrefs, usePrefs } from './prefs';
import { ProblemView } from './ui';
import { Palette } from './Palette';

/** Who the caller is and its role per namespace (the registry's view; every service answers the same). */
export function useAccess() {
  return useQuery({
    queryKey: ['access'],
    staleTime: 60_000,
    queryFn: async () => {
      const access = await api<Access>('registry/v1/access');
      const everywhere = access.namespaces['*'];
      if (!everywhere) return access;
      // a role on every namespace: list them (auth knows them all)
      const all = await api<({ name: string } | string)[]>('auth/v1/namespaces');
      const namespaces: Record<string, string> = {};
      all.map((n) => (typeof n === 'string' ? n : n.name)).sort()
        .forEach((n) => (namespaces[n] = access.namespaces[n] ?? everywhere));
      return { principal: access.principal, namespaces };
    },
  });
}

/** The role of the caller in the page's namespace, and whether it may change things there. */
export function useRole(ns: string) {
  const role = useAccess().data?.namespaces[ns];
  return { role, writer: canWrite(role), analyst: canQuery(role) };
}

/** The sections of a namespace; `analyst`: only for roles that may query its warehouse (the SQL workspace). */
const SECTIONS = [
  { to: '/namespaces/$ns', label: 'Home', key: '' },
  { to: '/namespaces/$ns/catalog', label: 'Catalog', key: 'catalog' },
  { to: '/namespaces/$ns/lineage', label: 'Lineage', key: 'lineage' },
  { to: '/namespaces/$ns/pipelines', label: 'Pipelines', key: 'pipelines' },
  { to: '/namespaces/$ns/runs', label: 'Runs', key: 'runs' },
  { to: '/namespaces/$ns/projects', label: 'Projects', key: 'projects' },
  { to: '/namespaces/$ns/notifications', label: 'Notifications', key: 'notifications' },
  { to: '/namespaces/$ns/sql', label: 'SQL', key: 'sql', analyst: true },
  { to: '/namespaces/$ns/dashboards', label: 'Dashboards', key: 'dashboards', analyst: true },
] as const;

/** The sections the caller's role in a namespace can use (the server refuses the others with 403). */
function sectionsFor(role: string | undefined) {
  return SECTIONS.filter((s) => !('analyst' in s) || canQuery(role));
}

function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

export function Shell() {
  const access = useAccess();
  const prefs = usePrefs();
  const online = useOnline();
  const navigate = useNavigate();
  const params = useParams({ strict: false }) as { ns?: string };
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const ns = params.ns;
  const namespaces = Object.keys(access.data?.namespaces ?? {});
  const section = pathname.split('/')[4] ?? '';

  const switchTo = (next: string) => {
    const target = sectionsFor(access.data?.namespaces[next]).find((s) => s.key === section) ?? SECTIONS[0];
    navigate({ to: target.to, params: { ns: next } });
  };

  return (
    <div className="app">
      <header className="top">
        <Link to="/" className="brand">Strata</Link>
        {ns && (
          <nav aria-label="Sections">
            {sectionsFor(access.data?.namespaces[ns]).map((s) => (
              <Link key={s.key} to={s.to} params={{ ns }} activeOptions={{ exact: s.key === '' }}
                activeProps={{ className: 'active', 'aria-current': 'page' }}>{s.label}</Link>
            ))}
            {access.data?.namespaces[ns] === 'admin' && (
              <Link to="/namespaces/$ns/access" params={{ ns }} activeProps={{ className: 'active', 'aria-current': 'page' }}>Access</Link>
            )}
          </nav>
        )}
        <div className="spacer" />
        {ns && <span className="kbd" title="Command palette (Ctrl/Cmd K). Shortcuts: g then h, c, l, p, r, j or n opens Home, Catalog, Lineage, Pipelines, Runs, Projects or Notifications; / goes to the page's search">Ctrl K</span>}
        {namespaces.length > 0 && (
          <label className="field">
            <span>Namespace</span>
            <select value={ns ?? ''} onChange={(e) => switchTo(e.target.value)} data-testid="namespace-switcher">
              {!ns && <option value="">choose…</option>}
              {namespaces.map((n) => <option key={n} value={n}>{n} ({access.data!.namespaces[n]})</option>)}
            </select>
          </label>
        )}
        <button type="button" onClick={() => setPrefs({ tz: prefs.tz === 'UTC' ? 'local' : 'UTC' })}
          title="Times in your time zone or in UTC">{prefs.tz === 'UTC' ? 'UTC' : 'Local time'}</button>
        <button type="button" onClick={() => setPrefs({ theme: prefs.theme === 'dark' ? 'light' : 'dark' })}
          aria-label={`Switch to ${prefs.theme === 'dark' ? 'light' : 'dark'} theme`}>
          {prefs.theme === 'dark' ? 'Light' : 'Dark'}
        </button>
        {access.data && <span className="who" data-testid="principal">{access.data.principal}</span>}
        <a href="/logout">Sign out</a>
      </header>
      <Palette ns={ns} />
      {!online && <div role="status" className="banner">The network is gone: showing what was loaded; it reconnects by itself.</div>}
      <main>
        <ProblemView error={access.error} what="Reading your access" />
        {ns && access.data && !access.data.namespaces[ns]
          ? <p role="alert" className="problem">Namespace “{ns}” does not exist or is not yours to see.</p>
          : <Outlet />}
      </main>
    </div>
  );
}
