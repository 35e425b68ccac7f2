import { VineObject } from '@vinejs/vine'
import { FORM_FIELD_KINDS, type FormField, type PortDefinition } from '#sdk'

/**
 * Checks shared by every contribution: the shapes the SDK's types promise
 * but a plugin written in JavaScript, or cast with `as any`, can still
 * break. Each function returns the problems found, as sentences naming the
 * offending key and value.
 */

/** Whether a value is a VineJS object schema, `vine.object({...})`. */
export function isObjectSchema(value: unknown) {
  return value instanceof VineObject
}

export function formFieldProblems(fields: unknown, where: string): string[] {
  if (!Array.isArray(fields)) {
    return [`${where} must be an array of form fields`]
  }
  const problems: string[] = []
  const names = new Set<string>()
  for (const [index, field] of (fields as FormField[]).entries()) {
    const at = `${where}[${index}]`
    if (!field || typeof field !== 'object') {
      problems.push(`${at} must be an object`)
      continue
    }
    if (!FORM_FIELD_KINDS.includes(field.kind)) {
      problems.push(
        `${at}.kind "${String(field.kind)}" is not one of ${FORM_FIELD_KINDS.join(', ')}`
      )
    }
    if (typeof field.name !== 'string' || field.name.length === 0) {
      problems.push(`${at}.name must be a non-empty string`)
    } else if (names.has(field.name)) {
      problems.push(`${at}.name "${field.name}" is used by another field`)
    } else {
      names.add(field.name)
    }
    if (typeof field.label !== 'string' || field.label.length === 0) {
      problems.push(`${at}.label must be a translation key`)
    }
    if (field.kind === 'select' && (!Array.isArray(field.options) || field.options.length === 0)) {
      problems.push(`${at}.options must list at least one option`)
    }
    if (field.kind === 'list') {
      problems.push(...formFieldProblems(field.itemFields, `${at}.itemFields`))
    }
  }
  return problems
}

export function portProblems(ports: unknown, where: string): string[] {
  if (!Array.isArray(ports)) {
    return [`${where} must be an array of ports`]
  }
  const problems: string[] = []
  const ids = new Set<string>()
  for (const [index, port] of (ports as PortDefinition[]).entries()) {
    const at = `${where}[${index}]`
    if (!port || typeof port.id !== 'string' || !/^[a-z0-9_:-]+$/i.test(port.id)) {
      problems.push(`${at}.id must be letters, digits, "_", ":" or "-"`)
      continue
    }
    if (ids.has(port.id)) {
      problems.push(`${at}.id "${port.id}" is used by another port`)
    }
    ids.add(port.id)
    if (typeof port.label !== 'string' && typeof port.text !== 'string') {
      problems.push(`${at} needs a label (translation key) or a text`)
    }
  }
  return problems
}

export function requireFunction(value: unknown, where: string, optional = false): string[] {
  if (value === undefined && optional) {
    return []
  }
  return typeof value === 'function' ? [] : [`${where} must be a function`]
}

export function requireString(value: unknown, where: string): string[] {
  return typeof value === 'string' && value.trim().length > 0
    ? []
    : [`${where} must be a non-empty string`]
}
