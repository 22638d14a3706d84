import type { ComponentType } from 'react';
import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Navigate, useParams } from '@tanstack/react-router';
import { Shell, useAccess, useRole } from './Shell';
import { HomePage } from './pages/Home';
import { CatalogPage, DatasetPage } from './pages/Catalog';
import { RunsPage } from './pages/Runs';
import { startLayoutWorker } from './layout';
import { queryClient, readRun } from './query';

// pages with an editor or a graph load their code when first opened: the initial bundle stays small
const LineagePage = lazyRouteComponent(() => import('./pages/Lineage'), 'LineagePage');
const PipelinesPage = lazyRouteComponent(() => import('./pages/Pipelines'), 'PipelinesPage');
const PipelinePage = lazyRouteComponent(() => import('./pages/Pipelines'), 'PipelinePage');
const RunPage = lazyRouteComponent(() => import('./pages/RunPage'), 'RunPage');
const ProjectsPage = lazyRouteComponent(() => import('./pages/Projects'), 'ProjectsPage');
const ProjectPage = lazyRouteComponent(() => import('./pages/Projects'), 'ProjectPage');
const AccessPage = lazyRouteComponent(() => import('./pages/Access'), 'AccessPage');
const NotificationsPage = lazyRouteComponent(() => import('./pages/Notifications'), 'NotificationsPage');
const SqlEditorPage = lazyRouteComponent(() => import('./pages/SqlEditor'), 'SqlEditorPage');
const ChartPage = lazyRouteComponent(() => import('./pages/ChartPage'), 'ChartPage');
const DashboardsPage = lazyRouteComponent(() => import('./pages/Dashboards'), 'DashboardsPage');
const DashboardPage = lazyRouteComponent(() => import('./pages/Dashboards'), 'DashboardPage');
import { Loading } from './ui';

const rootRoute = createRootRoute({ component: Shell, notFoundComponent: () => <p>Nothing here.</p> });

function Start() {
  const access = useAccess();
  if (!access.data) return <Loading />;
  const first = Object.keys(access.data.namespaces)[0];
  if (!first) return <p>You are signed in as {access.data.principal} but bound to no namespace yet: ask an admin.</p>;
  return <Navigate to="/namespaces/$ns" params={{ ns: first }} replace />;
}

/**
 * A page of the SQL workspace: only for analysts and up. A viewer who follows an old link reads why instead of the
 * server's 403 (the server refuses anyway).
 */
function analystsOnly(Page: ComponentType & { preload?: () => Promise<void> | undefined }) {
  const AnalystsOnly = () => {
    const { ns } = useParams({ strict: false }) as { ns: string };
    const { role, analyst } = useRole(ns);
    if (role && !analyst) {
      return <p role="alert" className="problem">Your role in {ns} ({role}) cannot query its warehouse: the SQL workspace,
        charts and dashboards are for analysts, engineers and admins.</p>;
    }
    return <Page />;
  };
  // the lazy page's code still loads ahead (on hover of a link), as the router does for the others
  return Object.assign(AnalystsOnly, { preload: Page.preload });
}

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

const index = createRoute({ getParentRoute: () => rootRoute, path: '/', component: Start });
const home = createRoute({ getParentRoute: () => rootRoute, path: '/namespaces/$ns', component: HomePage });
const catalog = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/catalog', component: CatalogPage,
  validateSearch: (s: Record<string, unknown>): { q?: string; layer?: string; tag?: string; owner?: string; all?: string } => ({
    q: str(s.q), layer: str(s.layer), tag: str(s.tag), owner: str(s.owner), all: s.all === '1' || s.all === 1 ? '1' : undefined,
  }),
});
const dataset = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/datasets/$name', component: DatasetPage,
  validateSearch: (s: Record<string, unknown>): { tab?: string } => ({ tab: str(s.tab) }),
});
const lineage = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/lineage', component: LineagePage,
  // the lineage graph is laid out in the browser: ELK's worker boots while the page's code and data load
  loader: () => startLayoutWorker(),
  validateSearch: (s: Record<string, unknown>): { focus?: string; depth?: number } => ({
    focus: str(s.focus), depth: s.depth === undefined ? undefined : Math.min(Math.max(Number(s.depth) || 3, 1), 10),
  }),
});
const pipelines = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/pipelines', component: PipelinesPage,
});
const pipeline = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/pipelines/$id', component: PipelinePage,
});
const runs = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/runs', component: RunsPage,
  validateSearch: (s: Record<string, unknown>): { state?: string; pipeline?: string; since?: string } => ({
    state: str(s.state), pipeline: str(s.pipeline), since: str(s.since),
  }),
});
const run = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/runs/$runId', component: RunPage,
  validateSearch: (s: Record<string, unknown>): { task?: string } => ({ task: str(s.task) }),
  // not awaited: the page renders at once. The run is read while the page's code loads; it comes with its DAG laid
  // out by the scheduler, so this page never waits for ELK's worker (whose boot alone took 0.7-0.9 s of a cold load)
  loader: ({ params }) => {
    void queryClient.ensureQueryData({ queryKey: ['run', params.runId], queryFn: () => readRun(params.runId) })
      .catch(() => undefined); // the page shows what went wrong
  },
});

const projects = createRoute({ getParentRoute: () => rootRoute, path: '/namespaces/$ns/projects', component: ProjectsPage });
const project = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/projects/$project', component: ProjectPage,
  validateSearch: (s: Record<string, unknown>): { version?: number; build?: string } => ({
    version: Number(s.version) > 0 ? Math.floor(Number(s.version)) : undefined, build: str(s.build),
  }),
});
const access = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/access', component: AccessPage,
  validateSearch: (s: Record<string, unknown>): { tab?: string; actor?: string; action?: string; since?: string } => ({
    tab: str(s.tab), actor: str(s.actor), action: str(s.action), since: str(s.since),
  }),
});
const notifications = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/notifications', component: NotificationsPage,
  validateSearch: (s: Record<string, unknown>): { status?: string } => ({ status: str(s.status) }),
});

// the SQL workspace (issue 20)
const sqlEditor = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/sql', component: analystsOnly(SqlEditorPage),
  validateSearch: (s: Record<string, unknown>): { q?: string } => ({ q: str(s.q) }),
});
const chart = createRoute({
  getParentRoute: () => rootRoute, path: '/namespaces/$ns/charts/$name', component: analystsOnly(ChartPage),
  validateSearch: (s: Record<string, unknown>): { query?: string } => ({ query: str(s.query) }),
});
const dashboards = createRoute({ getParentRoute: () => rootRoute, path: '/namespaces/$ns/dashboards', component: analystsOnly(DashboardsPage) });
const dashboard = createRoute({ getParentRoute: () => rootRoute, path: '/namespaces/$ns/dashboards/$name', component: analystsOnly(DashboardPage) });

const routeTree = rootRoute.addChildren([index, home, catalog, dataset, lineage, pipelines, pipeline, runs, run,
  projects, project, access, notifications, sqlEditor, chart, dashboards, dashboard]);

export const router = createRouter({ routeTree, basepath: '/ui', defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
