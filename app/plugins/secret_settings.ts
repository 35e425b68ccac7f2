import encryption from '@adonisjs/core/services/encryption'
import logger from '@adonisjs/core/services/logger'
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

/** Start of a stored secret's value, encrypted with the application key. */
const SEALED_PREFIX = 'sealed:v1:'

/**
 * Returns the values to store, with each secret that has a value encrypted
 * for `purpose`. Values that are already encrypted stay as they are.
 */
export function sealSecrets(values: SettingsValues, secrets: string[], purpose: string) {
  const sealed = { ...values }
  for (const name of secrets) {
    const value = sealed[name]
    if (typeof value === 'string' && value !== '' && !value.startsWith(SEALED_PREFIX)) {
      sealed[name] = SEALED_PREFIX + encryption.encrypt(value, undefined, purpose)
    }
  }
  return sealed
}

/**
 * Returns stored values with every encrypted one decrypted, whichever field
 * it is in. A value that no longer decrypts, after the application key
 * changed, reads as empty, so the member enters it again.
 */
export function openSecrets(values: SettingsValues, purpose: string) {
  let opened: SettingsValues | undefined
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string' || !value.startsWith(SEALED_PREFIX)) {
      continue
    }
    opened ??= { ...values }
    const plain = encryption.decrypt<string>(value.slice(SEALED_PREFIX.length), purpose)
    if (plain === null) {
      logger.warn({ purpose, field: name }, 'stored secret not decrypted: enter it again')
    }
    opened[name] = plain ?? ''
  }
  return opened ?? values
}
