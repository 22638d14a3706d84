// ELK in a web worker, for graphs only the browser has (lineage): started as soon as such a page is being opened (its
// route's loader, in parallel with the page's code and data), and the layouts it made, by graph shape, so that a page
// whose data arrived early finds its layout done or under way. Kept in the initial bundle (ELK's API is 10 KB; its
// worker loads by itself). A run's task DAG comes laid out by the scheduler, with the same options (TaskLayouts).
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

export interface GraphNode { id: string; label: string; kind?: string; state?: string; focus?: boolean }
export interface GraphEdge { from: string; to: string }
export type Positions = Map<string, { x: number; y: number }>;

/** Above this many nodes a page offers to filter first instead of drawing. */
export const GRAPH_LIMIT = 400;
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 44;

// Layered, left to right. Measured on the 200-task DAG of bench/ui/pages.sh (20 layers × 10, 380 edges) in a fresh
// V8 (a cold page's worker): ELK's defaults take 1,300 ms of CPU for its first layout; crossing minimisation at
// thoroughness 1, polyline routing (React Flow draws its own edges: ELK's routes are not used) and the simple node
// placement 970 ms. By eye on screenshots, the simple placement also draws it as a compact 20 × 10 grid (680 px high)
// where Brandes-Köpf at thoroughness 1 spread each layer's outliers over 3,600 px.
const OPTIONS = {
  'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.layered.thoroughness': '1',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
};

let elk: InstanceType<typeof ELK> | undefined;
/**
 * Starts ELK's worker: its 1.6 MB script loads and compiles while the page waits for its code and data, and it lays
 * out a small graph at once, so that ELK's classes are initialised and its hot code compiled before the page's graph
 * arrives (in a fresh V8, 130 ms of this warm-up saved 250 ms of a 200-node layout's 1,050 ms of CPU).
 */
export function startLayoutWorker(): void {
  if (elk) return;
  performance.mark('strata:layout-worker');
  elk = new ELK({ workerUrl: elkWorkerUrl });
  const children = [];
  const warmEdges = [];
  for (let layer = 0; layer < 3; layer++) {
    for (let i = 0; i < 3; i++) {
      children.push({ id: `w${layer}_${i}`, width: NODE_WIDTH, height: NODE_HEIGHT });
      if (layer > 0) {
        for (const j of [i, (i + 1) % 3]) warmEdges.push({ id: `e${warmEdges.length}`, sources: [`w${layer - 1}_${j}`], targets: [`w${layer}_${i}`] });
      }
    }
  }
  elk.layout({ id: 'warm-up', layoutOptions: OPTIONS, children, edges: warmEdges })
    .then(() => performance.mark('strata:layout-warm'), () => undefined);
}

/**
 * A page that lays a graph out in the browser: its worker starts before React renders anything. (A run page's DAG is
 * laid out by the scheduler: booting ELK there would only take CPU from the page.)
 */
export const drawsGraph = (path: string) => /^\/ui\/namespaces\/[^/]+\/lineage\/?$/.test(path);

/** What a layout depends on: the nodes and edges, not the states or labels that decorate them. */
export function shapeOf(nodes: { id: string }[], edges: GraphEdge[]): string {
  return nodes.map((n) => n.id).join('|') + '#' + edges.map((e) => e.from + '>' + e.to).join('|');
}

const MAX_LAYOUTS = 20;
const inFlight = new Map<string, Promise<Positions>>();
const done = new Map<string, Positions>();
const STORED = 'strata.layout.';

/** FNV-1a, 32 bits: a short session storage key for a shape (the shape itself is stored with it and compared). */
function keyOf(shape: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < shape.length; i++) h = Math.imul(h ^ shape.charCodeAt(i), 0x01000193);
  return STORED + (h >>> 0).toString(36);
}

function remember(shape: string, positions: Positions): void {
  if (done.size >= MAX_LAYOUTS) done.delete(done.keys().next().value!);
  done.set(shape, positions);
  try {
    sessionStorage.setItem(keyOf(shape), JSON.stringify({ shape, positions: [...positions] }));
  } catch {
    // full (or storage off): this tab forgets stored layouts and keeps the ones in memory
    Object.keys(sessionStorage).filter((k) => k.startsWith(STORED)).forEach((k) => sessionStorage.removeItem(k));
  }
}

/** A layout already made in this tab (memory, or session storage: a reload draws without waiting for ELK). */
export function laidOut(shape: string): Positions | undefined {
  const known = done.get(shape);
  if (known) return known;
  try {
    const stored = sessionStorage.getItem(keyOf(shape));
    if (!stored) return undefined;
    const parsed = JSON.parse(stored) as { shape: string; positions: [string, { x: number; y: number }][] };
    if (parsed.shape !== shape) return undefined;
    const positions: Positions = new Map(parsed.positions);
    done.set(shape, positions);
    return positions;
  } catch {
    return undefined;
  }
}

/** The positions of a graph's nodes, laid out by ELK in its worker (once per shape). */
export function layout(nodes: { id: string }[], edges: GraphEdge[]): Promise<Positions> {
  const shape = shapeOf(nodes, edges);
  const known = laidOut(shape);
  if (known) return Promise.resolve(known);
  const already = inFlight.get(shape);
  if (already) return already;
  startLayoutWorker();
  const ids = new Set(nodes.map((n) => n.id));
  performance.mark('strata:layout-start');
  const running = elk!.layout({
    id: 'root',
    layoutOptions: OPTIONS,
    children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  }).then((laid) => {
    performance.mark('strata:layout-end');
    const positions: Positions = new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
    remember(shape, positions);
    return positions;
  }).finally(() => inFlight.delete(shape));
  inFlight.set(shape, running);
  return running;
}

/** The task graph of a run as its page draws it. */
export function taskEdges(tasks: { taskId: string; dependsOn?: string[] | null }[]): GraphEdge[] {
  return tasks.flatMap((t) => (t.dependsOn ?? []).map((d) => ({ from: d, to: t.taskId })));
}
