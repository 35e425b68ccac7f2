import type { FormField } from '#sdk'

/** Audit log placeholder of a secret setting's value. */
export const HIDDEN_SECRET = '[hidden]'
/** Audit log placeholder of a secret setting whose value changed. */
export const CHANGED_SECRET = '[hidden, changed]'

type SettingsValues = Record<string, unknown>

function isSet(value: unknown) {
  return value !== undefined && value !== null && value !== ''
}

/** Names of the settings fields marked `secret`. */
export function secretFieldNames(fields: FormField[]) {
  return fields
    .filter((field) => field.kind === 'text' && field.secret === true)
    .map((field) => field.name)
}

/** Names of the secrets that have a stored value. */
export function storedSecretNames(values: SettingsValues, secrets: string[]) {
  return secrets.filter((name) => isSet(values[name]))
}

/** Empties every secret of the settings, which the browser then receives. */
export function maskSecrets(values: SettingsValues, secrets: string[]) {
  return { ...values, ...Object.fromEntries(secrets.map((name) => [name, ''])) }
}

/**
 * Fills each secret that a submission left empty with its stored value, so
 * a member who saves the form without retyping the secret keeps it.
 */
export function keepStoredSecrets(
  submitted: SettingsValues,
  stored: SettingsValues,
  secrets: string[]
) {
  const merged = { ...submitted }
  for (const name of secrets) {
    if (!isSet(merged[name]) && isSet(stored[name])) {
      merged[name] = stored[name]
    }
  }
  return merged
}

/**
 * Settings values for the audit log, with each secret that has a value
 * replaced by `HIDDEN_SECRET`, or by `CHANGED_SECRET` in `after` when it
 * differs from `before`.
 */
export function auditedSettings(before: SettingsValues, after: SettingsValues, secrets: string[]) {
  const redactedBefore = { ...before }
  const redactedAfter = { ...after }
  for (const name of secrets) {
    if (isSet(before[name])) {
      redactedBefore[name] = HIDDEN_SECRET
    }
    if (isSet(after[name])) {
      redactedAfter[name] = after[name] === before[name] ? HIDDEN_SECRET : CHANGED_SECRET
    }
  }
  return { before: redactedBefore, after: redactedAfter }
}
