import type FlowVersion from '#models/flow_version'

/** A version as the history list shows it, without its graph and plan. */
export function serializeVersion(version: FlowVersion) {
  return {
    id: version.id,
    number: version.number,
    publishedBy: version.publishedBy,
    publishedAt: version.createdAt.toISO(),
    nodes: Object.keys(version.plan.nodes).length,
  }
}
