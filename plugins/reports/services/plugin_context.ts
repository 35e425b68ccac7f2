import type { PluginApi } from '#sdk'

let plugin: PluginApi | null = null

/** Keeps the plugin's API for the controllers' `render`. Called once in `register`. */
export function initReportsContext(api: PluginApi) {
  plugin = api
}

export function reportsPlugin() {
  if (!plugin) {
    throw new Error(
      'The reports plugin was not registered: its controllers run only inside the app'
    )
  }
  return plugin
}
