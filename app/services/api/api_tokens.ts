import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import ApiToken, { type ApiTokenScope } from '#models/api_token'
import Membership from '#models/membership'
import User from '#models/user'
import { hashToken } from '#services/secure_token'
import { runAsSystem } from '#tenancy/tenant_context'
import { sqlTime } from '#services/channels/sql_time'

/** Prefix of every token, so secret scanners and people recognise one. */
export const TOKEN_PREFIX = 'dsp_'

/** `last_used_at` is written at most once per this many seconds per token. */
export const LAST_USED_RESOLUTION_SECONDS = 60

export interface NewApiToken {
  name: string
  scope: ApiTokenScope
  rateLimitPerMinute?: number | null
  expiresAt?: DateTime | null
  createdBy: number | null
}

/**
 * Creates a token in the current tenant. Returns the row and the plain
 * token, which is not stored and cannot be shown again.
 */
export async function createApiToken(input: NewApiToken) {
  const plain = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
  const token = await ApiToken.create({
    name: input.name,
    scope: input.scope,
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    expiresAt: input.expiresAt ?? null,
    createdBy: input.createdBy,
    tokenHash: hashToken(plain),
    tokenPrefix: plain.slice(0, 12),
  })
  return { token, plain }
}

/** Revokes a token of the current tenant; revoking twice keeps the first time. */
export async function revokeApiToken(token: ApiToken) {
  if (!token.revokedAt) {
    token.revokedAt = DateTime.utc()
    await token.save()
  }
  return token
}

/**
 * Finds the usable token with this plain value in any tenant, or `null`
 * for an unknown, revoked or expired one.
 */
export async function findUsableToken(plain: string) {
  if (!plain.startsWith(TOKEN_PREFIX)) {
    return null
  }
  const token = await runAsSystem(() =>
    ApiToken.query().where('token_hash', hashToken(plain)).first()
  )
  return token?.isUsable ? token : null
}

/**
 * Stores the time of use, unless it was stored less than
 * `LAST_USED_RESOLUTION_SECONDS` ago, so busy tokens do not write a row
 * on every request.
 */
export async function touchApiToken(token: ApiToken, now = DateTime.utc()) {
  const fresh = now.minus({ seconds: LAST_USED_RESOLUTION_SECONDS })
  if (token.lastUsedAt && token.lastUsedAt > fresh) {
    return
  }
  token.lastUsedAt = now
  await db
    .from('api_tokens')
    .where('id', token.id)
    .update({ last_used_at: sqlTime(now) })
}

/** The member who created a token: `member` is false once they left the workspace. */
export interface TokenCreator {
  name: string
  member: boolean
}

/**
 * Returns the creators of tokens of the current tenant by user id. A user
 * deleted since has no entry.
 */
export async function tokenCreators(tokens: ApiToken[]) {
  const userIds = [
    ...new Set(tokens.flatMap((token) => (token.createdBy === null ? [] : [token.createdBy]))),
  ]
  const creators = new Map<number, TokenCreator>()
  if (userIds.length === 0) {
    return creators
  }
  const users = await User.query().whereIn('id', userIds)
  const memberships = await Membership.query().whereIn('user_id', userIds)
  const members = new Set(memberships.map((membership) => membership.userId))
  for (const user of users) {
    creators.set(user.id, { name: user.fullName || user.email, member: members.has(user.id) })
  }
  return creators
}

/** Counts the tokens of the current tenant that still work, by the user who created them. */
export async function usableTokensByCreator(userIds: number[]) {
  const counts = new Map<number, number>()
  if (userIds.length === 0) {
    return counts
  }
  const now = DateTime.utc()
  const rows = await ApiToken.query()
    .whereIn('created_by', userIds)
    .whereNull('revoked_at')
    .where((query) => query.whereNull('expires_at').orWhere('expires_at', '>', sqlTime(now)))
    .groupBy('created_by')
    .select('created_by')
    .count('* as total')
  for (const row of rows) {
    counts.set(Number(row.createdBy), Number(row.$extras.total))
  }
  return counts
}

/** Counts the tokens of the current tenant that a user created and that still work. */
export async function usableTokensCreatedBy(userId: number) {
  const counts = await usableTokensByCreator([userId])
  return counts.get(userId) ?? 0
}
