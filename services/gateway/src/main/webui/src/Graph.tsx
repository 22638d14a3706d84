// A DAG (pipeline tasks, lineage) drawn by React Flow, laid out by ELK: by the service that sent the graph when it did
// (a run's tasks: the scheduler lays them out once per shape), else in a web worker so big graphs never freeze the
// page; above LIMIT nodes the page asks to filter first instead of drawing.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { GRAPH_LIMIT, layout, laidOut, NODE_HEIGHT, NODE_WIDTH, shapeOf, type GraphEdge, type GraphNode, type Positions } from './layout';

export type { GraphEdge, GraphNode } from './layout';

const ORIGIN = { x: 0, y: 0 };

export const Graph = memo(function Graph({ nodes, edges, onOpen, label, laidOutBy }: {
  nodes: GraphNode[];
  edges: GraphEdge[];
  onOpen?: (id: string) => void;
  label: string;
  /** Positions the server laid out (ELK's Java implementation, same options): drawn at once, no worker needed. */
  laidOutBy?: Positions;
}) {
  const shape = useMemo(() => shapeOf(nodes, edges), [nodes, edges]);
  const given = useMemo(() => (laidOutBy && nodes.every((n) => laidOutBy.has(n.id)) ? laidOutBy : undefined),
    [laidOutBy, nodes]);
  // a layout made before this page rendered (its loader started it when the data arrived; or a reload of this tab)
  // draws at the first render
  const [laid, setLaid] = useState<{ shape: string; positions: Positions } | undefined>(() => {
    const positions = laidOut(shape);
    return positions && { shape, positions };
  });
  const [drawAnyway, setDrawAnyway] = useState(false);
  const tooBig = nodes.length > GRAPH_LIMIT && !drawAnyway;
  const positions = given ?? (laid?.shape === shape ? laid.positions : laidOut(shape) ?? laid?.positions);

  useEffect(() => {
    if (tooBig || given || laid?.shape === shape) return;
    let cancelled = false;
    layout(nodes, edges).then((p) => {
      if (!cancelled) setLaid({ shape, positions: p });
    });
    return () => {
      cancelled = true;
    };
    // the layout depends on the graph's shape only, not on the states that colour it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, tooBig, !given]);

  // fixed sizes: React Flow shows the nodes and fits the view at once, without a measuring pass. A node keeps its
  // object while its label, state and position stay: React Flow then renders again only the nodes that changed (a
  // run's state change recolours one node; it never lays the graph out again)
  const built = useRef(new Map<string, Node>());
  const flowNodes: Node[] = useMemo(() => {
    if (!positions) return [];
    const next = new Map<string, Node>();
    const list = nodes.map((n) => {
      const position = positions.get(n.id) ?? ORIGIN;
      const className = `node ${n.kind ? `kind-${n.kind}` : ''} ${n.state ? `state-${n.state}` : ''} ${n.focus ? 'focus' : ''}`;
      const before = built.current.get(n.id);
      const node: Node = before && before.position === position && before.className === className
        && (before.data as { label: string }).label === n.label ? before : {
          id: n.id,
          position,
          data: { label: n.label },
          className,
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
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
