// The result grid of the SQL editor: TanStack Table for the columns, TanStack Virtual for the rows (10,000 rows stay
// fast: only the visible ones are in the page). A column whose table is a catalog dataset links to it and its lineage.
import { useMemo, useRef } from 'react';
import { Link } from '@tanstack/react-router';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { cellText, datasetOf, type SqlColumn, type SqlSchema } from '../sql';

export function ResultGrid({ ns, columns, rows, version, schema }: {
  ns: string; columns: SqlColumn[]; rows: unknown[][]; version: number; schema?: SqlSchema;
}) {
  const defs = useMemo<ColumnDef<unknown[]>[]>(() => columns.map((c, i) => ({
    id: `${i}`,
    accessorFn: (row) => row[i],
    header: () => {
      const dataset = datasetOf(schema, c.table);
      return (
        <span className="col-head">
          <span>{c.name}</span> <code className="muted">{c.type}</code>
          {dataset && (
            <span className="col-links">
              <Link to="/namespaces/$ns/datasets/$name" params={{ ns, name: dataset }} search={{}}
                title={`Dataset ${dataset} (table ${c.table})`}>{dataset}</Link>
              {' · '}
              <Link to="/namespaces/$ns/lineage" params={{ ns }} search={{ focus: dataset, depth: 3 }}
                aria-label={`Lineage of ${dataset}`}>lineage</Link>
            </span>
          )}
        </span>
      );
    },
    cell: (cell) => {
      const v = cell.getValue();
      return v === null ? <em className="muted">null</em> : cellText(v);
    },
  })), [columns, schema, ns]);
  // rows grow in place while the answer streams: `version` tells the table to look again
  const data = useMemo(() => rows.slice(), [rows, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const table = useReactTable({ data, columns: defs, getCoreRowModel: getCoreRowModel() });
  const scroller = useRef<HTMLDivElement>(null);
  const model = table.getRowModel().rows;
  const virtual = useVirtualizer({ count: model.length, getScrollElement: () => scroller.current, estimateSize: () => 30, overscan: 12 });
  const template = { gridTemplateColumns: `56px repeat(${Math.max(columns.length, 1)}, minmax(140px, 1fr))` };

  return (
    <div ref={scroller} className="result result-body" role="region" aria-label="Query result" tabIndex={0} data-testid="result">
      <div role="table" aria-label="Query result rows" aria-rowcount={model.length + 1}>
        <div role="rowgroup" className="result-head">
          {table.getHeaderGroups().map((g) => (
            <div role="row" key={g.id} className="result-row head" style={template}>
              <span role="columnheader" className="rownum">#</span>
              {g.headers.map((h) => (
                <span role="columnheader" key={h.id}>{flexRender(h.column.columnDef.header, h.getContext())}</span>
              ))}
            </div>
          ))}
        </div>
        <div className="result-rows" role="rowgroup" style={{ height: virtual.getTotalSize() }}>
          {virtual.getVirtualItems().map((item) => {
            const row = model[item.index];
            return (
              <div role="row" key={row.id} className="result-row" aria-rowindex={item.index + 2}
                style={{ ...template, transform: `translateY(${item.start}px)` }}>
                <span role="cell" className="rownum">{item.index + 1}</span>
                {row.getVisibleCells().map((c) => (
                  <span role="cell" key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
