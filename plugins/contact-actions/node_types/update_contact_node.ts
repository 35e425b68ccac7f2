import {
  db,
  defineNodeType,
  goTo,
  vine,
  type ConfigUpgradeContext,
  type NodeExecutionContext,
  type NodeIssue,
  type NodeValidationContext,
} from '#sdk'

/** Most characters of a tag name, as the contact form keeps them. */
const TAG_MAX_LENGTH = 60

const configSchema = vine.object({
  addTags: vine.array(vine.string().trim().maxLength(TAG_MAX_LENGTH)).maxLength(50),
  removeTags: vine.array(vine.string().trim().maxLength(TAG_MAX_LENGTH)).maxLength(50),
  fieldKey: vine.string().trim().maxLength(100).nullable(),
  fieldValue: vine.string().maxLength(1000).nullable(),
  listId: vine.number().withoutDecimals().positive().nullable().optional(),
  // Version 1 named the list. A version 2 configuration keeps the name only
  // while no list has it, so publishing can name the list at fault.
  listName: vine.string().trim().maxLength(255).nullable().optional(),
})

type UpdateContactConfig = {
  addTags: string[]
  removeTags: string[]
  fieldKey: string | null
  fieldValue: string | null
  listId?: number | null
  listName?: string | null
}

/**
 * Rewrites a version 1 configuration, which named its list, to the list's
 * id. A name no list has stays in `listName`, with `listId` null.
 */
export function upgradeUpdateContact(
  config: Record<string, unknown>,
  { contactLists }: ConfigUpgradeContext
) {
  if (!('listName' in config)) {
    return config
  }
  const { listName, ...rest } = config
  const name = typeof listName === 'string' ? listName.trim() : ''
  if (typeof rest.listId === 'number' || name === '') {
    return { ...rest, listId: rest.listId ?? null }
  }
  const listId = contactLists.get(name)
  return listId === undefined ? { ...rest, listId: null, listName: name } : { ...rest, listId }
}

function listIssues(config: UpdateContactConfig, context: NodeValidationContext): NodeIssue[] {
  if (typeof config.listId === 'number') {
    const exists = [...context.contactLists.values()].includes(config.listId)
    return exists
      ? []
      : [
          {
            field: 'listId',
            message: 'contact-actions.issues.deleted_list',
            text: 'The list chosen here was deleted: choose another list',
          },
        ]
  }
  if (config.listName && !context.contactLists.has(config.listName)) {
    return [
      {
        field: 'listId',
        message: 'contact-actions.issues.unknown_list',
        values: { name: config.listName },
        text: 'No list is called {name}: choose a list',
      },
    ]
  }
  return []
}

function tagIssues(config: UpdateContactConfig) {
  const issues: NodeIssue[] = []
  for (const name of ['addTags', 'removeTags'] as const) {
    if (config[name].some((tag) => tag.trim() === '')) {
      issues.push({
        field: name,
        message: 'contact-actions.issues.empty_tag',
        text: 'A tag is empty: remove it or write its name',
      })
    }
  }
  return issues
}

/**
 * Finds the id of the tenant's list with the given name, or `null`, for
 * plans published with version 1, which named the list.
 */
async function listIdOf(tenantId: number, name: string) {
  const row = await db
    .from('contact_lists')
    .where('tenant_id', tenantId)
    .where('name', name)
    .select('id')
    .first()
  return row ? Number(row.id) : null
}

/** Builds the update of one visit, rendering the field value for the contact. */
async function changesOf(context: NodeExecutionContext<UpdateContactConfig>) {
  const { config } = context
  const fields: Record<string, string> = {}
  if (config.fieldKey) {
    const rendered = await context.renderText(config.fieldValue ?? '')
    if (rendered.missing.length > 0) {
      return { failure: `no value for ${rendered.missing.join(', ')} in the field value` }
    }
    fields[config.fieldKey] = rendered.text
  }
  const addToLists: number[] = []
  if (typeof config.listId === 'number') {
    addToLists.push(config.listId)
  } else if (config.listName) {
    const listId = await listIdOf(context.tenant.id, config.listName)
    if (listId === null) {
      return { failure: `list "${config.listName}" not found` }
    }
    addToLists.push(listId)
  }
  return { changes: { addTags: config.addTags, removeTags: config.removeTags, fields, addToLists } }
}

/**
 * Update contact: adds and removes tags, sets one custom field to a value
 * with `{{variables}}`, and adds the contact to a list. Every change is a
 * set operation, so a step run again after a crash changes nothing more.
 * A value the field's type rejects, or a list deleted since publishing,
 * follows `failed` and changes nothing.
 */
export const updateContactNode = defineNodeType({
  type: 'contact-actions.update_contact',
  version: 2,
  label: 'contact-actions.update_contact.label',
  description: 'contact-actions.update_contact.description',
  icon: 'contact',
  category: 'contact',
  configSchema,
  defaults: { addTags: [], removeTags: [], fieldKey: null, fieldValue: null, listId: null },
  upgradeConfig: upgradeUpdateContact,
  fields: [
    {
      kind: 'keywords',
      name: 'addTags',
      label: 'contact-actions.update_contact.fields.add_tags',
      summary: { prefix: '+' },
    },
    {
      kind: 'keywords',
      name: 'removeTags',
      label: 'contact-actions.update_contact.fields.remove_tags',
      summary: { prefix: '−', separator: ' ' },
    },
    {
      kind: 'contact-field',
      name: 'fieldKey',
      label: 'contact-actions.update_contact.fields.field_key',
      help: 'contact-actions.update_contact.fields.field_key_help',
      include: 'custom',
      allowNone: true,
      summary: true,
    },
    {
      kind: 'text',
      name: 'fieldValue',
      label: 'contact-actions.update_contact.fields.field_value',
      help: 'contact-actions.update_contact.fields.field_value_help',
      maxLength: 1000,
    },
    {
      kind: 'contact-list',
      name: 'listId',
      label: 'contact-actions.update_contact.fields.list',
      help: 'contact-actions.update_contact.fields.list_help',
      summary: true,
    },
  ],
  ports: [
    { id: 'next', label: 'flow_nodes.ports.next', required: true },
    { id: 'failed', label: 'contact-actions.ports.failed' },
  ],
  validate(config, context) {
    const issues = tagIssues(config)
    if (config.fieldKey && !context.customFields.has(config.fieldKey)) {
      issues.push({
        field: 'fieldKey',
        message: 'contact-actions.issues.unknown_field',
        values: { key: config.fieldKey },
        text: 'No custom field has the key {key}: choose another field',
      })
    }
    return [...issues, ...listIssues(config, context)]
  },
  async execute(context) {
    const built = await changesOf(context)
    if (!built.changes) {
      context.logger.warn({ reason: built.failure }, 'contact update step failed')
      return goTo('failed')
    }
    const result = await context.contact.update(built.changes)
    if (result.status === 'failed') {
      const { code, subject, reason } = result
      context.logger.warn({ code, subject, reason }, 'contact update step failed')
      return goTo('failed')
    }
    return goTo('next')
  },
})
