import vine from '@vinejs/vine'
import { ROLES } from '#tenancy/roles'

export const inviteValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().normalizeEmail({ all_lowercase: true }),
    role: vine.enum(ROLES),
  })
)

export const roleValidator = vine.compile(vine.object({ role: vine.enum(ROLES) }))

export const localeValidator = vine.compile(
  vine.object({ locale: vine.enum(['en', 'pt-BR', 'auto']) })
)

export const tenantSwitchValidator = vine.compile(
  vine.object({ tenantId: vine.number().positive() })
)
