import pluginHost from '#plugins/main'
import CustomField from '#models/custom_field'
import ContactList from '#models/contact_list'
import Template from '#models/template'
import type Campaign from '#models/campaign'
import type { FlowGraph } from '#flow/flow_graph'
import { nodeTypes } from '#flow/node_type_registry'
import type { FlowValidationContext } from '#flow/flow_validator'
import { parseTemplate } from '#services/templates/template_syntax'
import {
  CAMPAIGN_PREFIX,
  CONTACT_VARIABLES,
  variablesToDefine,
} from '#services/templates/template_variables'
import { templateIdsOf } from '#services/templates/template_usage'
import { isEnded } from '#services/campaigns/campaign_states'
import { contactFieldTypes } from '#services/contacts/contact_field_view'

/**
 * Reads the variables that must exist of the templates with the given ids
 * (see `variablesToDefine`). Archived templates count only with
 * `withArchived`, so a campaign still to run cannot be published with one,
 * while an ended campaign's flow stays valid.
 */
async function templateVariables(ids: number[], withArchived: boolean) {
  const variables = new Map<number, string[]>()
  if (ids.length === 0) {
    return variables
  }
  const templates = await Template.query()
    .whereIn('id', ids)
    .if(!withArchived, (query) => query.whereNull('archived_at'))
  for (const template of templates) {
    const parsed = parseTemplate(template.body)
    variables.set(template.id, parsed.ok ? variablesToDefine(parsed.nodes) : [])
  }
  return variables
}

/**
 * Variables a campaign's messages may use: contact attributes (English and
 * Portuguese names), the tenant's custom fields, and `campaign.<name>` for
 * each of the campaign's own variables.
 */
export async function campaignVariables(campaign: Campaign) {
  const fields = await CustomField.query().select('key')
  return new Set([
    ...Object.keys(CONTACT_VARIABLES),
    ...fields.map((field) => field.key),
    ...Object.keys(campaign.variables).map((name) => `${CAMPAIGN_PREFIX}${name}`),
  ])
}

/**
 * Builds the validator's context for a campaign's graph inside the current
 * tenant: its variables, custom fields and contact lists, the templates
 * the graph names, and the node types of the core and of the plugins the
 * tenant has enabled.
 */
export async function validationContextFor(
  campaign: Campaign,
  graph: FlowGraph
): Promise<FlowValidationContext> {
  const enabled = new Set(await pluginHost.enabledFor(campaign.tenantId))
  const fields = await CustomField.query().select('key', 'type')
  const lists = await ContactList.query().select('id', 'name')
  return {
    registry: nodeTypes,
    knownVariables: await campaignVariables(campaign),
    contactFields: await contactFieldTypes(),
    templateVariables: await templateVariables([...templateIdsOf(graph)], isEnded(campaign.state)),
    customFields: new Map(fields.map((field) => [field.key, { type: field.type }])),
    contactLists: new Map(lists.map((list) => [list.name, list.id])),
    isAvailable: (entry) => entry.plugin === null || enabled.has(entry.plugin),
  }
}
