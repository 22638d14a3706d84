// A DAG (pipeline tasks, lineage) drawn by React Flow, laid out by ELK in a web worker so big graphs never freeze
// the page; above LIMIT nodes the page asks to filter first instead of drawing.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

export interface GraphNode { id: string; label: string; kind?: string; state?: string; focus?: boolean }
export interface GraphEdge { from: string; to: string }

const LIMIT = 400;
const WIDTH = 180;
const HEIGHT = 44;
const ORIGIN = { x: 0, y: 0 };
// started with this module (loaded with the page that draws a graph), so the worker's code loads and compiles while
// the page still waits for its data
const elk = new ELK({ workerUrl: elkWorkerUrl });

export function Graph({ nodes, edges, onOpen, label }: {
  nodes: GraphNode[];
  edges: GraphEdge[];
  onOpen?: (id: string) => void;
  label: string;
}) {
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }>>();
  const [drawAnyway, setDrawAnyway] = useState(false);
  const built = useRef(new Map<string, Node>());
  const shape = useMemo(() => nodes.map((n) => n.id).join('|') + '#' + edges.map((e) => e.from + '>' + e.to).join('|'),
    [nodes, edges]);
  const tooBig = nodes.length > LIMIT && !drawAnyway;

  useEffect(() => {
    if (tooBig) return;
    let cancelled = false;
    const ids = new Set(nodes.map((n) => n.id));
    elk.layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.spacing.nodeNode': '24',
        'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      },
      children: nodes.map((n) => ({ id: n.id, width: WIDTH, height: HEIGHT })),
      edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to))
        .map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
    }).then((laid) => {
      if (cancelled) return;
      setPositions(new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }])));
    });
    return () => {
      cancelled = true;
    };
    // the layout depends on the graph's shape only, not on the states that colour it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, tooBig]);

  // a node keeps its object while its label, state and position stay: React Flow then renders again only the nodes
  // that changed (a run's state change recolours one node; it never lays the graph out again)
  const flowNodes = useMemo(() => {
    const next = new Map<string, Node>();
    const list = nodes.map((n) => {
      const position = positions?.get(n.id) ?? ORIGIN;
      const className = `node ${n.kind ? `kind-${n.kind}` : ''} ${n.state ? `state-${n.state}` : ''} ${n.focus ? 'focus' : ''}`;
      const before = built.current.get(n.id);
      const node: Node = before && before.position === position && before.className === className
        && (before.data as { label: string }).label === n.label ? before : {
          id: n.id,
          position,
          data: { label: n.label },
          className,
          style: { width: WIDTH },
          sourcePosition: 'right' as Node['sourcePosition'],
          targetPosition: 'left' as Node['targetPosition'],
          ariaLabel: `${n.label}${n.state ? `: ${n.state}` : ''}`,
          connectable: false,
        };
      next.set(n.id, node);
      return node;
    });
    built.current = next;
    return list;
  }, [nodes, positions]);
  const flowEdges = useMemo<Edge[]>(() => edges.map((e, i) => ({
    id: `e${i}`, source: e.from, target: e.to, markerEnd: { type: MarkerType.ArrowClosed },
  })), [edges]);

  if (tooBig) {
    return (
      <div className="graph-empty">
        <p>{nodes.length} nodes are too many to draw usefully: filter first (focus on a node, fewer levels).</p>
        <button onClick={() => setDrawAnyway(true)}>Draw all {nodes.length} anyway</button>
      </div>
    );
  }
  if (!positions) return <div className="graph-empty" aria-busy="true">Laying out {nodes.length} nodes…</div>;

  return (
    <div className="graph" role="figure" aria-label={label} data-testid="graph" data-nodes={nodes.length}>
      <ReactFlow nodes={flowNodes} edges={flowEdges} fitView nodesDraggable={false} nodesConnectable={false}
        proOptions={{ hideAttribution: true }} minZoom={0.1}
        onNodeClick={(_, node) => onOpen?.(node.id)}>
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
