// A DAG (pipeline tasks, lineage) drawn by React Flow, laid out by ELK in a web worker so big graphs never freeze
// the page; above LIMIT nodes the page asks to filter first instead of drawing.
import { memo, useEffect, useMemo, useState } from 'react';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { GRAPH_LIMIT, layout, laidOut, NODE_HEIGHT, NODE_WIDTH, shapeOf, startLayoutWorker, type GraphEdge, type GraphNode, type Positions } from './layout';

export type { GraphEdge, GraphNode } from './layout';

// started with this module too (a page that draws a graph without a loader that started it)
startLayoutWorker();

export const Graph = memo(function Graph({ nodes, edges, onOpen, label }: {
  nodes: GraphNode[];
  edges: GraphEdge[];
  onOpen?: (id: string) => void;
  label: string;
}) {
  const shape = useMemo(() => shapeOf(nodes, edges), [nodes, edges]);
  // a layout made before this page rendered (its loader started it when the data arrived; or a reload of this tab)
  // draws at the first render
  const [laid, setLaid] = useState<{ shape: string; positions: Positions } | undefined>(() => {
    const positions = laidOut(shape);
    return positions && { shape, positions };
  });
  const [drawAnyway, setDrawAnyway] = useState(false);
  const tooBig = nodes.length > GRAPH_LIMIT && !drawAnyway;
  const positions = laid?.shape === shape ? laid.positions : laidOut(shape) ?? laid?.positions;

  useEffect(() => {
    if (tooBig || laid?.shape === shape) return;
    let cancelled = false;
    layout(nodes, edges).then((p) => {
      if (!cancelled) setLaid({ shape, positions: p });
    });
    return () => {
      cancelled = true;
    };
    // the layout depends on the graph's shape only, not on the states that colour it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, tooBig]);

  // fixed sizes: React Flow shows the nodes and fits the view at once, without a measuring pass
  const flowNodes: Node[] = useMemo(() => (positions ? nodes.map((n) => ({
    id: n.id,
    position: positions.get(n.id) ?? { x: 0, y: 0 },
    data: { label: n.label },
    className: `node ${n.kind ? `kind-${n.kind}` : ''} ${n.state ? `state-${n.state}` : ''} ${n.focus ? 'focus' : ''}`,
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    sourcePosition: 'right' as Node['sourcePosition'],
    targetPosition: 'left' as Node['targetPosition'],
    ariaLabel: `${n.label}${n.state ? `: ${n.state}` : ''}`,
    connectable: false,
  })) : []), [nodes, positions]);
  const flowEdges: Edge[] = useMemo(() => edges.map((e, i) => ({
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
});
