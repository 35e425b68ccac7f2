import type Contact from '#models/contact'
import type CustomField from '#models/custom_field'

/**
 * The contact as pages show it.
 */
export function serializeContact(contact: Contact) {
  return {
    id: contact.id,
    name: contact.name,
    phone: contact.phone,
    extraPhones: contact.extraPhones,
    email: contact.email,
    city: contact.city,
    notes: contact.notes,
    timezone: contact.timezone,
    language: contact.language,
    consent: contact.consent,
    consentSource: contact.consentSource,
    consentAt: contact.consentAt?.toISO() ?? null,
    phoneWarning: contact.phoneWarning,
    tags: contact.$preloaded.tags ? contact.tags.map((tag) => tag.name).sort() : [],
    createdAt: contact.createdAt.toISO(),
  }
}

/** Serializes a contact as the contact pickers offer it. */
export function serializeContactChoice(contact: Contact) {
  return { id: contact.id, name: contact.name, phone: contact.phone }
}

export function serializeField(field: CustomField) {
  return {
    id: field.id,
    key: field.key,
    label: field.label,
    type: field.type,
    options: field.options,
  }
}
