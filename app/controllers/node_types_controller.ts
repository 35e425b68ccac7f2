import type { HttpContext } from '@adonisjs/core/http'
import pluginHost from '#plugins/main'
import { nodeTypes, UnknownNodeTypeException } from '#flow/node_type_registry'
import { paletteEntry, translatePorts } from '#flow/palette'

/**
 * The flow editor's palette: node types of the core and of the plugins the
 * current tenant has enabled, translated for the user's language.
 */
export default class NodeTypesController {
  async #available(tenantId: number) {
    const enabled = new Set(await pluginHost.enabledFor(tenantId))
    return nodeTypes.list().filter((entry) => entry.plugin === null || enabled.has(entry.plugin))
  }

  async index({ i18n, tenant }: HttpContext) {
    const has = (key: string) => i18n.hasMessage(key) || i18n.hasFallbackMessage(key)
    const t = (key: string) => i18n.t(key)
    const entries = await this.#available(tenant.id)
    return { nodeTypes: entries.map((entry) => paletteEntry(entry, t, has)) }
  }

  /**
   * Validates a node's configuration and returns it normalised with its
   * ports. Answers 422 with VineJS's messages for an invalid one.
   */
  async resolve({ params, request, response, i18n, tenant }: HttpContext) {
    const available = await this.#available(tenant.id)
    const entry = available.find((item) => item.definition.type === params.type)
    if (!entry) {
      throw new UnknownNodeTypeException(params.type)
    }
    const config = await nodeTypes.validateConfig(params.type, request.input('config'))
    const ports = translatePorts(nodeTypes.portsFor(params.type, config), (key) => i18n.t(key))
    return response.ok({ config, ports })
  }
}
