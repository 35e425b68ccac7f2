import { definePlugin } from '#sdk'
import { conditionNode } from './node_types/condition_node.js'
import { splitNode } from './node_types/split_node.js'
import { goalNode } from './node_types/goal_node.js'

/**
 * Logic: flow steps that decide where a journey goes, from the contact's
 * fields, at random, or by ending it at a goal.
 */
export default definePlugin({
  register(plugin) {
    plugin.nodeType(conditionNode)
    plugin.nodeType(splitNode)
    plugin.nodeType(goalNode)
  },
})
