import type { HttpContext } from '@adonisjs/core/http'
import pluginHost from '#plugins/main'
import type { I18n } from '@adonisjs/i18n'
import {
  NodeConfigInvalidException,
  nodeTypes,
  UnknownNodeTypeException,
  type RegisteredNodeType,
} from '#flow/node_type_registry'
import { paletteEntry, translatePorts } from '#flow/palette'
import { configProblems } from '#flow/config_problems'
import { problemText } from '#flow/problem_text'
import type { FlowNode } from '#flow/flow_graph'

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
   * ports. Responds with a 422 for an invalid one, with each error's field,
   * rule and message in the user's language, as the flow editor words it.
   */
  async resolve({ params, request, response, i18n, tenant }: HttpContext) {
    const available = await this.#available(tenant.id)
    const entry = available.find((item) => item.definition.type === params.type)
    if (!entry) {
      throw new UnknownNodeTypeException(params.type)
    }
    const input = request.input('config')
    try {
      const config = await nodeTypes.validateConfig(params.type, input)
      const ports = translatePorts(nodeTypes.portsFor(params.type, config), (key) => i18n.t(key))
      return response.ok({ config, ports })
    } catch (error) {
      if (!(error instanceof NodeConfigInvalidException)) {
        throw error
      }
      const errors = describeErrors(error, entry, input, i18n)
      return response.unprocessableEntity({ code: error.code, message: error.message, errors })
    }
  }
}

/** Words each error of an invalid configuration in the request's language. */
function describeErrors(
  error: NodeConfigInvalidException,
  entry: RegisteredNodeType,
  config: unknown,
  i18n: I18n
) {
  const node = { id: '', type: entry.definition.type, position: { x: 0, y: 0 }, config }
  const translator = {
    translate: (key: string, values?: Record<string, string | number>) => i18n.t(key, values),
    has: (key: string) => i18n.hasMessage(key) || i18n.hasFallbackMessage(key),
  }
  const problems = configProblems(node as FlowNode, entry, error.messages)
  return error.messages.map((message, index) => ({
    field: message.field,
    rule: message.rule,
    message: problemText(problems[index], translator),
  }))
}
