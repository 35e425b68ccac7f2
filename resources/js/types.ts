export type Role = 'owner' | 'admin' | 'editor' | 'agent' | 'viewer'

/**
 * Props that every page receives from the server.
 */
export interface SharedProps {
  [key: string]: unknown
  errors: Record<string, string>
  flash: { error?: string; success?: string }
  locale: string
  translations: Record<string, string>
  user: {
    id: number
    fullName: string | null
    email: string
    initials: string
    locale: string | null
  } | null
  /** The current workspace; pages show times in its IANA time zone, `timezone`. */
  tenant: { id: number; name: string; slug: string; timezone: string } | null
  role: Role | null
  roles: Role[]
  tenants: { id: number; name: string; role: Role }[]
  /** Unread conversations of the tenant's inbox, `null` for a role that does not read it. */
  inboxUnread: number | null
  /** Deletions under way of workspaces the user was a member of. */
  workspaceDeletions?: { id: number; workspaceName: string; percent: number }[]
}
