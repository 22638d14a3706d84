// A chart's data: its saved query run with the chart's parameters (at most 1,000 rows: a chart is not an export).
import { useQuery } from '@tanstack/react-query';
import { collectQuery, sqlPath } from '../sql';

export const CHART_ROWS = 1000;

export function useChartData(ns: string, query: string | undefined, parameters: Record<string, string> | null | undefined,
  refreshSeconds?: number | null) {
  return useQuery({
    queryKey: ['sql', 'chart-data', ns, query, parameters ?? {}],
    enabled: !!query,
    refetchInterval: refreshSeconds ? refreshSeconds * 1000 : false,
    queryFn: ({ signal }) => collectQuery(sqlPath(ns, `saved-queries/${encodeURIComponent(query!)}/run`),
      { parameters: parameters ?? {}, maxRows: CHART_ROWS }, signal),
  });
}
