-- wrk reports a one-line JSON summary for bench/run.py: throughput, p50 and p95 latency.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'BENCH {"requests": %d, "rps": %.2f, "p50_us": %d, "p95_us": %d, "non_2xx": %d, "errors": %d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(95),
    summary.errors.status, errors))
end
