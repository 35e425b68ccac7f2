import { Counter, Gauge, Histogram, register } from 'prom-client'
import type { PluginMetrics } from '#sdk'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

/**
 * The metrics API of one plugin: prom-client metrics in the default
 * registry, named `disparador_plugin_<plugin>_<name>`.
 */
export function createPluginMetrics(pluginName: string): PluginMetrics {
  const prefix = `disparador_plugin_${pluginName.replaceAll('-', '_')}_`

  function make<Metric>(configuration: { name: string }, build: (name: string) => Metric): Metric {
    if (!METRIC_NAME.test(configuration.name)) {
      throw new Error(
        `Invalid metric name "${configuration.name}" of plugin "${pluginName}": use letters, digits, "_" and ":"`
      )
    }
    const name = `${prefix}${configuration.name}`
    return (register.getSingleMetric(name) as Metric | undefined) ?? build(name)
  }

  return {
    counter: (configuration) =>
      make(configuration, (name) => new Counter({ ...configuration, name })),
    gauge: (configuration) => make(configuration, (name) => new Gauge({ ...configuration, name })),
    histogram: (configuration) =>
      make(configuration, (name) => new Histogram({ ...configuration, name })),
  }
}
