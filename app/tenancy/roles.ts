/**
 * Roles of a tenant membership, from most to least powerful. Editors design
 * campaigns, agents work the inbox, viewers only read.
 */
export const ROLES = ['owner', 'admin', 'editor', 'agent', 'viewer'] as const

export type Role = (typeof ROLES)[number]

/**
 * The minimum role that reads the inbox and follows it live. Viewers read
 * conversations; agents and above also reply, assign and take notes.
 */
export const INBOX_READER_ROLE: Role = 'viewer'

/**
 * The minimum role that sees connections' pairing data (QR codes and
 * pairing codes), which is the role that connects them. Scanning a QR code
 * links the scanner's own WhatsApp account as the connection.
 */
export const PAIRING_READER_ROLE: Role = 'editor'

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/**
 * Tells whether `role` has at least the powers of `minimum`.
 */
export function roleAtLeast(role: Role | null | undefined, minimum: Role) {
  if (!role) {
    return false
  }
  return ROLES.indexOf(role) <= ROLES.indexOf(minimum)
}
