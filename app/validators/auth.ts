import vine from '@vinejs/vine'
import { displayName } from '#validators/display_names'

const password = vine.string().minLength(8).maxLength(128)

const fullName = displayName()

export const signUpValidator = vine.compile(
  vine.object({
    fullName,
    email: vine
      .string()
      .trim()
      .email()
      .normalizeEmail({ all_lowercase: true })
      .unique({ table: 'users', column: 'email' }),
    password,
    tenantName: displayName(),
  })
)

export const loginValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email(),
    password: vine.string().minLength(1),
  })
)

export const forgotPasswordValidator = vine.compile(
  vine.object({ email: vine.string().trim().email() })
)

export const resetPasswordValidator = vine.compile(
  vine.object({ password, passwordConfirmation: vine.string().sameAs('password') })
)

export const acceptInvitationValidator = vine.compile(
  vine.object({
    fullName,
    password,
  })
)

export const profileNameValidator = vine.compile(vine.object({ fullName }))

/** A signed-in member's new password, with the same rules as at sign-up. */
export const changePasswordValidator = vine.compile(
  vine.object({
    currentPassword: vine.string().minLength(1),
    password,
    passwordConfirmation: vine.string().sameAs('password'),
  })
)
