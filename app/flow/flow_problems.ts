/**
 * Problems the flow validator reports. Each names the node it belongs to, so
 * the editor can mark that node, and carries a translation key under
 * `flow.problems` with the values of its placeholders.
 */
export type FlowProblemCode =
  | 'no_entry'
  | 'multiple_entries'
  | 'entry_unconnected'
  | 'unknown_node_type'
  | 'duplicate_node'
  | 'unreachable'
  | 'dangling_edge'
  | 'unknown_port'
  | 'edge_into_entry'
  | 'port_has_several_edges'
  | 'port_unconnected'
  | 'config_missing'
  | 'config_invalid'
  | 'max_visits_invalid'
  | 'template_missing'
  | 'message_syntax'
  | 'unknown_variable'
  | 'unknown_campaign_variable'
  | 'node_issue'
  | 'unbounded_loop'

export interface FlowProblem {
  code: FlowProblemCode
  /** The node at fault, `null` only for a problem of the whole flow or an edge between two missing nodes. */
  nodeId: string | null
  /** The edge at fault, for edge problems. */
  edgeId?: string
  /** Configuration key at fault, such as `message` or `rules.0.keywords`. */
  field?: string
  /** Translation key of the message, such as `flow.problems.unreachable`. */
  message: string
  /**
   * English ICU message shown when no language translates `message`: the
   * `text` of a plugin's `NodeIssue`.
   */
  text?: string
  /**
   * Values of the message's placeholders. Names ending in `Key` hold
   * translation keys (a field's label) that the editor translates first.
   * A configuration problem also carries its rule. `ruleKey` and
   * `pluginRuleKey` are keys of the rule's message, the plugin's first,
   * and `ruleText` is the rule's English message. The rule's meta values
   * come with them, and `value` is the value at fault (`''` when a sentence
   * cannot show it, with `hasValue` `no` then, `yes` otherwise).
   */
  values: Record<string, string | number>
}

export function problem(
  code: FlowProblemCode,
  nodeId: string | null,
  extra: Partial<Omit<FlowProblem, 'code' | 'nodeId' | 'message'>> = {}
): FlowProblem {
  return { code, nodeId, message: `flow.problems.${code}`, values: {}, ...extra }
}
