"""Prometheus metrics of the gateway process, served at `/metrics`."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "bazaar_http_requests_total", "HTTP requests handled", ["method", "route", "status"]
)
LATENCY = Histogram(
    "bazaar_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
CACHE_LOOKUPS = Counter(
    "bazaar_cache_lookups_total", "Response cache lookups", ["namespace", "result"]
)
RATE_LIMITED = Counter("bazaar_rate_limited_total", "Requests refused with 429", ["route_class"])
