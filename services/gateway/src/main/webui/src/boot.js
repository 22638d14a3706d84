// Runs before the app's bundle (an external script, /ui/boot.js: the CSP allows no inline one; vite.config.ts writes it
// with the run page's chunks named). On a run page, at once instead of after the 440 KB bundle has been parsed and run
// (150-350 ms on two cores): the read of the run starts (the app takes the answer over: api.ts takeEarly, and reads
// again later as usual), and the page's own code and styles (React Flow) are fetched, to run as soon as the bundle asks.
(function () {
  var run = /^\/ui\/namespaces\/[^/]+\/runs\/([0-9a-fA-F-]{36})\/?$/.exec(location.pathname);
  if (!run || !window.fetch) return;
  var chunks = RUN_PAGE_CHUNKS;
  for (var i = 0; i < chunks.length; i++) {
    var link = document.createElement('link');
    var css = /\.css$/.test(chunks[i]);
    link.rel = css ? 'preload' : 'modulepreload';
    if (css) link.as = 'style';
    link.crossOrigin = '';
    link.href = chunks[i];
    document.head.appendChild(link);
  }
  var path = 'scheduler/v1/runs/' + run[1];
  window.__strataEarly = {
    path: path,
    response: fetch('/api/' + path, {
      credentials: 'same-origin', headers: { Accept: 'application/json, application/problem+json' },
    }),
  };
})();
