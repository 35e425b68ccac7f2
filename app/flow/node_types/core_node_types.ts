import { sendNode } from '#flow/node_types/send_node'
import { waitNode } from '#flow/node_types/wait_node'
import { waitWindowNode } from '#flow/node_types/wait_window_node'
import { quietHoursNode } from '#flow/node_types/quiet_hours_node'
import { branchOnReplyNode } from '#flow/node_types/branch_on_reply_node'
import { nodeTypes } from '#flow/node_type_registry'

/** The node types every install has, in palette order. */
export const CORE_NODE_TYPES = [
  sendNode,
  waitNode,
  waitWindowNode,
  quietHoursNode,
  branchOnReplyNode,
]

/**
 * Registers the core node types through the same checks as plugins' node
 * types. Called once per process by the plugins provider.
 */
export async function registerCoreNodeTypes() {
  for (const definition of CORE_NODE_TYPES) {
    if (!nodeTypes.get(definition.type)) {
      await nodeTypes.add(definition as never, null)
    }
  }
}
