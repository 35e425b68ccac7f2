import type { ContactUpdate, ContactUpdateResult } from '#sdk'
import CustomField from '#models/custom_field'
import ContactList from '#models/contact_list'
import { addToLists, splitTags } from '#services/contacts/contact_service'
import { addTags, removeTags, tagKey } from '#services/contacts/contact_tags'
import { changeContact } from '#services/contacts/contact_changes'
import {
  parseFieldValue,
  saveFieldValues,
  type StoredFieldValue,
} from '#services/contacts/custom_field_values'

function failure(code: string, subject: string, reason: string): ContactUpdateResult {
  return { status: 'failed', code, subject, reason }
}

/** Reads the field values with the contact form's rules, or returns the first failure. */
async function readFields(fields: Record<string, string>) {
  const keys = Object.keys(fields)
  const known = keys.length > 0 ? await CustomField.query().whereIn('key', keys) : []
  const entries: { fieldId: number; value: StoredFieldValue }[] = []
  for (const key of keys) {
    const field = known.find((candidate) => candidate.key === key)
    if (!field) {
      return failure('E_CONTACT_FIELD_UNKNOWN', key, `custom field "${key}" does not exist`)
    }
    const parsed = parseFieldValue(field, fields[key])
    if (!parsed.ok) {
      const reason = `value "${parsed.value}" is not a valid ${parsed.reason} for field "${key}"`
      return failure('E_CONTACT_FIELD_INVALID', key, reason)
    }
    entries.push({ fieldId: field.id, value: parsed.value })
  }
  return entries
}

/**
 * Applies a node's contact update inside the current tenant, in one
 * transaction. Tags, field values and list memberships are written as sets
 * (insert-or-ignore, upsert, delete), so the same update run again after a
 * crash finds nothing left to change.
 *
 * Emits `contact:updated` with source `flow` after the commit, for what the
 * update changed. An update that changed nothing, such as the same step run
 * again, emits nothing.
 */
export async function updateContact(
  contactId: number,
  changes: ContactUpdate,
  journey: { campaignId: number; journeyId: number }
): Promise<ContactUpdateResult> {
  const entries = await readFields(changes.fields ?? {})
  if (!Array.isArray(entries)) {
    return entries
  }
  const listIds = [...new Set(changes.addToLists ?? [])]
  const lists = listIds.length > 0 ? await ContactList.query().whereIn('id', listIds) : []
  const missingList = listIds.find((id) => !lists.some((list) => list.id === id))
  if (missingList !== undefined) {
    return failure('E_CONTACT_LIST_UNKNOWN', String(missingList), `list ${missingList} not found`)
  }

  const added = splitTags(changes.addTags ?? [])
  const addedKeys = new Set(added.map(tagKey))
  const removed = splitTags(changes.removeTags ?? []).filter((tag) => !addedKeys.has(tagKey(tag)))
  await changeContact(contactId, { source: 'flow', ...journey }, async (trx) => {
    if (removed.length > 0) {
      await removeTags(contactId, removed, trx)
    }
    await addTags([contactId], added, trx)
    await saveFieldValues(
      entries.map((entry) => ({ ...entry, contactId })),
      trx
    )
    await addToLists([contactId], listIds, trx)
  })
  return { status: 'updated' }
}
