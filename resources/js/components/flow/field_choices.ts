import type { ContactFieldChoice, PaletteField } from './flow_types'

type Values = Record<string, unknown>

/**
 * Type of the contact field chosen in the sibling picker a select's
 * `fieldTypeFrom` names, or `undefined` when the select has no such picker
 * or no known field is chosen.
 */
function chosenFieldType(
  field: PaletteField,
  siblings: Values,
  contactFields: ContactFieldChoice[]
) {
  if (!field.fieldTypeFrom) {
    return undefined
  }
  const key = siblings[field.fieldTypeFrom]
  return contactFields.find((choice) => choice.key === key)?.type
}

/** Returns the options a select offers beside these sibling values: all, or those of the chosen field's type. */
export function offeredOptions(
  field: PaletteField,
  siblings: Values,
  contactFields: ContactFieldChoice[]
) {
  const options = field.options ?? []
  const type = chosenFieldType(field, siblings, contactFields)
  if (type === undefined) {
    return options
  }
  return options.filter((option) => !option.fieldTypes || option.fieldTypes.includes(type))
}

/**
 * Returns the values with every select that follows a contact field's
 * type set to its first offered option when its value is no longer
 * offered, such as "contains" after the field changed to a number.
 */
export function fitDependentSelects(
  fields: PaletteField[],
  values: Values,
  contactFields: ContactFieldChoice[]
) {
  let fitted = values
  for (const field of fields) {
    if (field.kind !== 'select' || !field.fieldTypeFrom) {
      continue
    }
    const offered = offeredOptions(field, fitted, contactFields)
    if (offered.length > 0 && !offered.some((option) => option.value === fitted[field.name])) {
      fitted = { ...fitted, [field.name]: offered[0].value }
    }
  }
  return fitted
}
