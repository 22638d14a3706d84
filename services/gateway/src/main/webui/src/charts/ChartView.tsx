// Charts drawn as plain SVG (bar, line, area, scatter, pie, table, single number): a few hundred lines instead of a
// charting library's 50-150 KB, coloured by CSS classes (.series-N) so both themes apply. Loaded only with the chart
// builder and the dashboards.
import { cellText, type ChartMapping, type ChartType, type SqlColumn } from '../sql';

const W = 640;
const H = 320;
const PAD = { left: 56, right: 16, top: 12, bottom: 44 };
const SERIES_COLOURS = 8;

interface Series { name: string; points: { x: unknown; y: number }[] }

function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : NaN;
}

/** The rows as series: one per y column, or one per value of the series column (first y column). */
export function seriesOf(columns: SqlColumn[], rows: unknown[][], mapping: ChartMapping): Series[] {
  const index = (name?: string | null) => (name ? columns.findIndex((c) => c.name === name) : -1);
  const x = index(mapping.x);
  const ys = (mapping.y ?? []).map(index).filter((i) => i >= 0);
  const by = index(mapping.series);
  if (ys.length === 0) return [];
  if (by >= 0) {
    const groups = new Map<string, Series>();
    for (const row of rows) {
      const key = cellText(row[by]);
      if (!groups.has(key)) groups.set(key, { name: key, points: [] });
      groups.get(key)!.points.push({ x: x >= 0 ? row[x] : undefined, y: num(row[ys[0]]) });
    }
    return [...groups.values()].slice(0, 24);
  }
  return ys.map((i) => ({
    name: columns[i].name,
    points: rows.map((row, r) => ({ x: x >= 0 ? row[x] : r + 1, y: num(row[i]) })),
  }));
}

function ticks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step / 1e6; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export const formatNumber = (n: number) =>
  Number.isFinite(n) ? new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(n) : '—';

function extent(values: number[], zero: boolean): [number, number] {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (zero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (lo === hi) hi = lo + 1;
  return [lo, hi];
}

function Legend({ series }: { series: Series[] }) {
  if (series.length < 2) return null;
  return (
    <ul className="legend">
      {series.map((s, i) => (
        <li key={s.name}><span className={`swatch series-${i % SERIES_COLOURS}`} />{s.name}</li>
      ))}
    </ul>
  );
}

function Axes({ yTicks, y, xLabels }: { yTicks: number[]; y: (v: number) => number; xLabels: { at: number; text: string }[] }) {
  const every = Math.max(1, Math.ceil(xLabels.length / 12));
  return (
    <g className="axes">
      {yTicks.map((t) => (
        <g key={t}>
          <line className="gridline" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
          <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end">{formatNumber(t)}</text>
        </g>
      ))}
      <line className="axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
      {xLabels.filter((_, i) => i % every === 0).map((l, i) => (
        <text key={i} x={l.at} y={H - PAD.bottom + 16} textAnchor="middle">{l.text.slice(0, 14)}</text>
      ))}
    </g>
  );
}

function Cartesian({ type, series }: { type: 'bar' | 'line' | 'area' | 'scatter'; series: Series[] }) {
  const all = series.flatMap((s) => s.points);
  const [lo, hi] = extent(all.map((p) => p.y), type !== 'scatter');
  const yTicks = ticks(lo, hi);
  const top = Math.max(hi, yTicks[yTicks.length - 1] ?? hi);
  const bottom = Math.min(lo, yTicks[0] ?? lo);
  const y = (v: number) => H - PAD.bottom - ((v - bottom) / (top - bottom || 1)) * (H - PAD.top - PAD.bottom);
  const plotW = W - PAD.left - PAD.right;

  if (type === 'scatter') {
    const [xlo, xhi] = extent(all.map((p) => num(p.x)), false);
    const x = (v: number) => PAD.left + ((v - xlo) / (xhi - xlo || 1)) * plotW;
    const xLabels = ticks(xlo, xhi).map((t) => ({ at: x(t), text: formatNumber(t) }));
    return (
      <>
        <Axes yTicks={yTicks} y={y} xLabels={xLabels} />
        {series.map((s, i) => s.points.filter((p) => Number.isFinite(num(p.x)) && Number.isFinite(p.y)).map((p, j) => (
          <circle key={`${i}-${j}`} className={`mark series-${i % SERIES_COLOURS}`} cx={x(num(p.x))} cy={y(p.y)} r={3.5}>
            <title>{`${s.name}: ${cellText(p.x)}, ${formatNumber(p.y)}`}</title>
          </circle>
        )))}
      </>
    );
  }

  // categories in the order the query gave them
  const categories: string[] = [];
  for (const p of all) if (!categories.includes(cellText(p.x))) categories.push(cellText(p.x));
  const band = plotW / Math.max(categories.length, 1);
  const cx = (k: string) => PAD.left + band * categories.indexOf(k) + band / 2;
  const xLabels = categories.map((c) => ({ at: cx(c), text: c }));

  if (type === 'bar') {
    const inner = (band * 0.8) / Math.max(series.length, 1);
    return (
      <>
        <Axes yTicks={yTicks} y={y} xLabels={xLabels} />
        {series.map((s, i) => s.points.filter((p) => Number.isFinite(p.y)).map((p, j) => {
          const left = cx(cellText(p.x)) - band * 0.4 + inner * i;
          const y0 = y(Math.max(0, bottom));
          return (
            <rect key={`${i}-${j}`} className={`mark series-${i % SERIES_COLOURS}`} x={left} width={Math.max(inner - 1, 1)}
              y={Math.min(y(p.y), y0)} height={Math.abs(y0 - y(p.y))}>
              <title>{`${s.name} · ${cellText(p.x)}: ${formatNumber(p.y)}`}</title>
            </rect>
          );
        }))}
      </>
    );
  }

  return (
    <>
      <Axes yTicks={yTicks} y={y} xLabels={xLabels} />
      {series.map((s, i) => {
        const pts = s.points.filter((p) => Number.isFinite(p.y)).map((p) => [cx(cellText(p.x)), y(p.y)] as const);
        if (pts.length === 0) return null;
        const path = pts.map(([px, py], j) => `${j ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
        const base = y(Math.max(0, bottom));
        return (
          <g key={s.name} className={`series-${i % SERIES_COLOURS}`}>
            {type === 'area' && (
              <path className="area" d={`${path}L${pts[pts.length - 1][0].toFixed(1)},${base}L${pts[0][0].toFixed(1)},${base}Z`} />
            )}
            <path className="line" d={path} />
            {pts.length <= 60 && pts.map(([px, py], j) => (
              <circle key={j} className="mark" cx={px} cy={py} r={2.5}>
                <title>{`${s.name} · ${cellText(s.points[j]?.x)}: ${formatNumber(s.points[j]?.y)}`}</title>
              </circle>
            ))}
          </g>
        );
      })}
    </>
  );
}

function Pie({ series }: { series: Series[] }) {
  const points = (series[0]?.points ?? []).filter((p) => p.y > 0).slice(0, 24);
  const total = points.reduce((sum, p) => sum + p.y, 0);
  const r = H / 2 - 16;
  const c = { x: W / 2 - 80, y: H / 2 };
  let angle = -Math.PI / 2;
  return (
    <>
      {points.map((p, i) => {
        const share = total ? p.y / total : 0;
        const a0 = angle;
        const a1 = (angle += share * 2 * Math.PI);
        const large = a1 - a0 > Math.PI ? 1 : 0;
        const d = share >= 0.9999
          ? `M${c.x - r},${c.y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`
          : `M${c.x},${c.y}L${c.x + r * Math.cos(a0)},${c.y + r * Math.sin(a0)}A${r},${r} 0 ${large},1 ${c.x + r * Math.cos(a1)},${c.y + r * Math.sin(a1)}Z`;
        return (
          <path key={i} className={`mark slice series-${i % SERIES_COLOURS}`} d={d}>
            <title>{`${cellText(p.x)}: ${formatNumber(p.y)} (${(share * 100).toFixed(1)}%)`}</title>
          </path>
        );
      })}
      {points.map((p, i) => (
        <g key={`l${i}`} transform={`translate(${W / 2 + 80}, ${24 + i * 18})`}>
          <rect className={`mark series-${i % SERIES_COLOURS}`} width={10} height={10} y={-9} />
          <text x={16}>{`${cellText(p.x).slice(0, 24)} · ${formatNumber(p.y)}`}</text>
        </g>
      ))}
    </>
  );
}

export interface ChartData { columns: SqlColumn[]; rows: unknown[][] }

export function ChartView({ type, mapping, data, title }: { type: ChartType; mapping: ChartMapping; data: ChartData; title: string }) {
  if (type === 'table') {
    const shown = data.rows.slice(0, 200);
    return (
      <div className="scroll-x chart-table">
        <table className="grid" aria-label={title}>
          <thead><tr>{data.columns.map((c) => <th key={c.name}>{c.name}</th>)}</tr></thead>
          <tbody>{shown.map((row, i) => <tr key={i}>{row.map((v, j) => <td key={j}>{cellText(v)}</td>)}</tr>)}</tbody>
        </table>
        {data.rows.length > shown.length && <p className="muted">First {shown.length} of {data.rows.length} rows.</p>}
      </div>
    );
  }
  const series = seriesOf(data.columns, data.rows, mapping);
  if (type === 'number') {
    const value = series[0]?.points[0]?.y;
    return (
      <p className="big-number" data-testid="chart-number" aria-label={`${title}: ${formatNumber(value ?? NaN)}`}>
        {formatNumber(value ?? NaN)}
        <span className="muted">{series[0]?.name}</span>
      </p>
    );
  }
  if (series.length === 0 || series.every((s) => s.points.length === 0)) {
    return <p className="muted chart-empty">Nothing to draw: choose the fields (x and at least one y) or the query returned no rows.</p>;
  }
  const summary = `${type} chart of ${series.map((s) => s.name).join(', ')}${mapping.x ? ` by ${mapping.x}` : ''}`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${summary}`} data-testid="chart-svg" data-type={type}>
        <title>{`${title}: ${summary}`}</title>
        {type === 'pie' ? <Pie series={series} /> : <Cartesian type={type} series={series} />}
      </svg>
      {type !== 'pie' && <Legend series={series} />}
    </figure>
  );
}
