import { definePlugin } from '#sdk'
import { updateContactNode } from './node_types/update_contact_node.js'
import { httpRequestNode } from './node_types/http_request_node.js'

/**
 * Contact actions: flow steps that change the journey's contact and call
 * other systems over HTTP.
 */
export default definePlugin({
  register(plugin) {
    plugin.nodeType(updateContactNode)
    plugin.nodeType(httpRequestNode)
  },
})
