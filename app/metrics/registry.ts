import { Histogram, collectDefaultMetrics, register } from 'prom-client'

/**
 * The core's Prometheus metrics, in prom-client's default registry, which
 * plugin metrics share. `/metrics` serves that registry. Metrics that code
 * observes (histograms, counters) live here, so every module imports the
 * same objects. Metrics read from the database or Redis at scrape time live
 * in `#metrics/collectors`.
 *
 * Every name starts with `disparador_`.
 */
export const registry = register

collectDefaultMetrics({ register, prefix: 'disparador_' })

/**
 * Time the engine spends on one journey step, from taking the step's job
 * to storing its decision, in seconds. Labels: `node_type` (such as `send`)
 * and `outcome` (`goto`, `wait`, `await_reply`, `end` or `error`).
 *
 * @example
 * const stop = journeyStepDuration.startTimer({ node_type: node.type })
 * stop({ outcome: decision.kind })
 */
export const journeyStepDuration = new Histogram({
  name: 'disparador_journey_step_duration_seconds',
  help: 'Time the engine spends on one journey step, in seconds',
  labelNames: ['node_type', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
})

/**
 * Time from the request's arrival to the response, in seconds. Labels:
 * `method`, `route` (the route pattern such as `/contacts/:id`, or
 * `unmatched` so unknown paths cannot grow the label set) and `status`
 * (the response status code).
 */
export const httpRequestDuration = new Histogram({
  name: 'disparador_http_request_duration_seconds',
  help: 'Time from the request to the response, in seconds',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
})
