import type { PluginApi } from '#sdk'

let plugin: PluginApi | null = null

/** Keeps the plugin's API for the controllers' `render`. Called once in `register`. */
export function initAuditContext(api: PluginApi) {
  plugin = api
}

export function auditPlugin() {
  if (!plugin) {
    throw new Error('The audit plugin was not registered: its controllers run only inside the app')
  }
  return plugin
}
