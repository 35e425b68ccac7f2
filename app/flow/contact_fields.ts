import type { ContactFieldType } from '#sdk'

/**
 * Standard attributes of `NodeContact.fields` and their types, besides the
 * tenant's custom fields.
 */
export const STANDARD_CONTACT_FIELDS: Record<string, ContactFieldType> = {
  name: 'text',
  first_name: 'text',
  phone: 'text',
  email: 'text',
  city: 'text',
  language: 'text',
  tags: 'tags',
}
