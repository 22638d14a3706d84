// A DAG (pipeline tasks, lineage) drawn by React Flow, laid out by ELK in a web worker so big graphs never freeze
// the page; above LIMIT nodes the page asks to filter first instead of drawing.
import { useEffect, useMemo, useState } from 'react';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

export interface GraphNode { id: string; label: string; kind?: string; state?: string; focus?: boolean }
export interface GraphEdge { from: string; to: string }

const LIMIT = 400;
const WIDTH = 180;
const HEIGHT = 44;
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

  if (tooBig) {
    return (
      <div className="graph-empty">
        <p>{nodes.length} nodes are too many to draw usefully: filter first (focus on a node, fewer levels).</p>
        <button onClick={() => setDrawAnyway(true)}>Draw all {nodes.length} anyway</button>
      </div>
    );
  }
  if (!positions) return <div className="graph-empty" aria-busy="true">Laying out {nodes.length} nodes…</div>;

  const flowNodes: Node[] = nodes.map((n) => ({
    id: n.id,
    position: positions.get(n.id) ?? { x: 0, y: 0 },
    data: { label: n.label },
    className: `node ${n.kind ? `kind-${n.kind}` : ''} ${n.state ? `state-${n.state}` : ''} ${n.focus ? 'focus' : ''}`,
    style: { width: WIDTH },
    sourcePosition: 'right' as Node['sourcePosition'],
    targetPosition: 'left' as Node['targetPosition'],
    ariaLabel: `${n.label}${n.state ? `: ${n.state}` : ''}`,
    connectable: false,
  }));
  const flowEdges: Edge[] = edges.map((e, i) => ({
    id: `e${i}`, source: e.from, target: e.to, markerEnd: { type: MarkerType.ArrowClosed },
  }));
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
