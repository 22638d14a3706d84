// The app's one query cache: the pages' queries, and the route loaders that start a page's reads before its code has
// loaded.
import { QueryClient } from '@tanstack/react-query';
import { api, ApiError, type Run } from './api';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // a refused call is an answer, not a hiccup: show it at once; network failures are retried
      retry: (count, error) => !(error instanceof ApiError) && count < 3,
    },
  },
});

/** The run page's read of its run (the page and its loader share it). */
export const readRun = (runId: string) => api<Run>(`scheduler/v1/runs/${encodeURIComponent(runId)}`);
