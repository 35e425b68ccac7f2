import vine from '@vinejs/vine'
import { displayName } from '#validators/display_names'
import { getCountries } from 'libphonenumber-js'
import { tenantTimeZone } from '#validators/time_zones'

/**
 * Countries a tenant may have as its default: the ISO 3166-1 alpha-2 codes
 * libphonenumber-js reads phone numbers of, because the default country
 * only serves to read numbers written without a country code.
 */
export const WORKSPACE_COUNTRIES = getCountries()

/** A tenant's name, default country and time zone, from "New workspace" or its settings. */
export const workspaceValidator = vine.compile(
  vine.object({
    name: displayName(),
    defaultCountry: vine.enum(WORKSPACE_COUNTRIES),
    timezone: tenantTimeZone(),
  })
)

/** Names the workspace forms' errors give their fields, as the forms label them. */
export const WORKSPACE_FIELD_NAMES = { name: 'workspaceName' }

/**
 * The name an owner types to confirm a tenant's deletion. The controller
 * compares it with the tenant's name, so a typo cannot delete the wrong one.
 */
export const workspaceDeletionValidator = vine.compile(
  vine.object({
    confirmName: vine.string().trim(),
  })
)
