#!/usr/bin/env python3
"""Evaluates every dashboard query and alert rule of observability/ against a real Prometheus scraping running
Strata services.

    ./strata up                         # the dev stack and the seven services (another terminal)
    observability/live-check.py         # starts Prometheus (Debian's package) on a free loopback port

It reads the services' ports from .strata/run/platform.properties, scrapes each one's /q/metrics every 5 s with
job=<service> (as the chart's ServiceMonitor labels them), loads alerts/*.yaml, sends a little traffic through the
gateway, waits for a few scrapes and runs every query. Each query must return data, or be empty for a reason listed
below (a metric the catalogue marks as expected from a service that does not produce it yet, histograms not
published, an event that did not happen); an alert rule must evaluate without error (it is empty while not firing).
Exit status 1 on an unexplained empty result or an error.
"""
import json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VARIABLES = {"$__rate_interval": "1m", "$__range": "15m", "$__interval": "15s",
             "$service": "gateway|auth|registry|ingest|transform|scheduler|notifier", "$pipeline": ".*",
             "$dataset": ".*"}
# metrics that count events which a fresh platform with a little traffic has not had
EVENT_COUNTERS = {"strata_gateway_upstream_failures_total": "no request went unanswered",
                  "strata_gateway_rate_limited_requests_total": "no request was rate-limited",
                  "strata_gateway_api_token_exchanges_total": "no personal API token was used",
                  "strata_gateway_rate_limit_unavailable_total": "Redis answered every rate-limit check"}


def catalogue():
    """metric -> None (produced today) or the reason it may be empty."""
    text = open(os.path.join(HERE, "README.md")).read()
    result, reason = {}, None
    for line in text.splitlines():
        m = re.match(r"^### Expected from (.*?) \((issue \d+)", line)
        if m:
            reason = f"not produced yet: expected from {m.group(1)} ({m.group(2)})"
        elif line.startswith("### "):
            reason = None
        m = re.match(r"^\|\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\s*\|", line)
        if m:
            result[m.group(1)] = reason
    return result


def metric_names(expr):
    rest = re.sub(r'"(?:[^"\\]|\\.)*"', " ", expr)
    rest = re.sub(r"\{[^}]*\}", " ", rest)
    rest = re.sub(r"\[[^]]*\]", " ", rest)
    rest = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", rest)
    words = set(re.findall(r"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*", rest))
    functions = {"sum", "min", "max", "avg", "count", "rate", "increase", "changes", "histogram_quantile", "or",
                 "and", "unless", "vector", "offset", "by", "on", "bool"}
    return {w for w in words if w not in functions and not re.fullmatch(r"\d+[smhdwy]", w)}


def why_empty(expr, cat):
    for name in metric_names(expr):
        base = name
        for suffix in ("_count", "_sum", "_max", "_bucket"):
            if name not in cat and name.endswith(suffix) and name[: -len(suffix)] in cat:
                base = name[: -len(suffix)]
        if name.endswith("_bucket"):
            return "percentile histograms are not published yet (see README: http_server_requests_seconds)"
        if cat.get(base):
            return cat[base]
        if base in EVENT_COUNTERS:
            return EVENT_COUNTERS[base]
        if base == "kafka_consumer_fetch_manager_records_lag_max":
            return "no service consumes through a Quarkus-managed Kafka consumer yet"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def main():
    props = {}
    state = os.path.join(ROOT, ".strata", "run", "platform.properties")
    for line in open(state):
        if "=" in line and not line.startswith("#"):
            k, v = line.strip().split("=", 1)
            props[k] = v
    services = [s for s in props.get("services", "").split(",") if s]
    if not services:
        sys.exit("no service in " + state + ": run ./strata up first")
    prometheus = shutil.which("prometheus") or "/usr/bin/prometheus"
    work = tempfile.mkdtemp(prefix="strata-live-check-")
    rules = sorted(os.path.join(HERE, "alerts", f) for f in os.listdir(os.path.join(HERE, "alerts"))
                   if f.endswith(".yaml"))
    config = {"global": {"scrape_interval": "5s", "evaluation_interval": "5s"}, "rule_files": rules,
              "scrape_configs": [{"job_name": s, "metrics_path": "/q/metrics",
                                  "static_configs": [{"targets": [f"127.0.0.1:{props[f'services.{s}.port']}"]}]}
                                 for s in services]}
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        json.dump(config, f)  # JSON is YAML
    port = free_port()
    proc = subprocess.Popen([prometheus, f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/data",
                             f"--web.listen-address=127.0.0.1:{port}"], stdout=open(f"{work}/prometheus.log", "w"),
                            stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(60):
            try:
                get(api + "/status/buildinfo")
                break
            except OSError:
                time.sleep(1)
        # a little traffic: through the gateway (401 without a token) and straight to each service
        for s in services:
            for _ in range(5):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{props[f'services.{s}.port']}/api/v1/access", timeout=5)
                except Exception:
                    pass
        time.sleep(40)  # 8 scrapes
        cat = catalogue()
        queries = []
        for name in sorted(os.listdir(os.path.join(HERE, "dashboards"))):
            d = json.load(open(os.path.join(HERE, "dashboards", name)))
            for p in d["panels"]:
                for t in p.get("targets", []):
                    expr = t["expr"]
                    for k, v in VARIABLES.items():
                        expr = expr.replace(k, v)
                    queries.append((f"{d['uid']} / {p['title']} / {t['refId']}", expr, False))
        rule_groups = get(api + "/rules")["data"]["groups"]
        bad = 0
        rows = []
        for label, expr, _ in queries:
            r = get(api + "/query?" + urllib.parse.urlencode({"query": expr}))
            n = len(r["data"]["result"]) if r["status"] == "success" else -1
            reason = why_empty(expr, cat)
            if n > 0:
                status = f"data ({n} series)"
            elif n == 0 and reason:
                status = "empty: " + reason
            else:
                status = "EMPTY, no reason known" if n == 0 else "ERROR " + r.get("error", "")
                bad += 1
            rows.append((label, status))
        for g in rule_groups:
            for rule in g["rules"]:
                ok = rule.get("health") == "ok"
                bad += 0 if ok else 1
                rows.append((f"alert {rule['name']}", f"{rule.get('state', '')}, health {rule.get('health')}"
                             + ("" if ok else " " + rule.get("lastError", ""))))
        width = max(len(r[0]) for r in rows)
        for label, status in rows:
            print(label.ljust(width), status)
        print(f"{len(rows) - bad} passed, {bad} failed")
        return 1 if bad else 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
