import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { CAMPAIGN_CANCELLED_CODE } from '#sdk'
import { sqlTime } from '#services/channels/sql_time'

/** Days the dashboard's chart shows, today included. */
export const DASHBOARD_DAYS = 14

/** Messages of one day in the tenant's time zone, by what happened to them so far. */
export interface DayFigures {
  /** The day, as `yyyy-MM-dd` in the tenant's time zone. */
  date: string
  /** Outbound messages created that day, the ones a cancelled campaign never sent included. */
  queued: number
  /** Of those, the ones the provider accepted, including delivered and read ones. */
  sent: number
  /** Of those, the ones that reached the phone, including read ones. */
  delivered: number
  read: number
  failed: number
  /** Inbound messages received that day. */
  replies: number
}

/** Minutes in one group of the count. The offsets time zones use today are multiples of it. */
const GROUP_MINUTES = 15

const SENT = new Set(['sent', 'delivered', 'read'])

const DELIVERED = new Set(['delivered', 'read'])

/** Groups `created_at` by quarter hour since the epoch, in SQL that reads the stored UTC time as it is. */
function quarterHourSql() {
  return db.connection().dialect.name === 'mysql'
    ? `timestampdiff(minute, '1970-01-01 00:00:00', created_at) div ${GROUP_MINUTES}`
    : `cast(strftime('%s', created_at) as integer) / ${GROUP_MINUTES * 60}`
}

function emptyDay(date: string): DayFigures {
  return { date, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, replies: 0 }
}

/**
 * Counts the tenant's messages of the last `DASHBOARD_DAYS` days in
 * `timeZone`, oldest day first, each message by its status now. The
 * database groups them by quarter hour of UTC time, and each quarter hour
 * is then added to its local day.
 */
export async function messageDays(
  tenantId: number,
  timeZone: string,
  now: DateTime = DateTime.utc()
): Promise<DayFigures[]> {
  const today = now.setZone(timeZone).startOf('day')
  const first = today.minus({ days: DASHBOARD_DAYS - 1 })
  const days = new Map<string, DayFigures>()
  for (let index = 0; index < DASHBOARD_DAYS; index++) {
    const date = first.plus({ days: index }).toISODate()!
    days.set(date, emptyDay(date))
  }

  const rows = await db
    .from('messages')
    .where('tenant_id', tenantId)
    .where('created_at', '>=', sqlTime(first))
    .select(db.raw(`${quarterHourSql()} as quarter`), 'direction', 'status')
    .count('* as total')
    .select(
      db.raw('sum(case when failure_code = ? then 1 else 0 end) as cancelled', [
        CAMPAIGN_CANCELLED_CODE,
      ])
    )
    .groupByRaw(`${quarterHourSql()}, direction, status`)

  for (const row of rows) {
    const start = DateTime.fromMillis(Number(row.quarter) * GROUP_MINUTES * 60_000, {
      zone: timeZone,
    })
    const day = days.get(start.toISODate()!)
    if (!day) {
      continue
    }
    addToDay(day, row.direction, row.status, Number(row.total), Number(row.cancelled ?? 0))
  }
  return [...days.values()]
}

function addToDay(
  day: DayFigures,
  direction: string,
  status: string,
  total: number,
  cancelled: number
) {
  if (direction === 'in') {
    day.replies += total
    return
  }
  day.queued += total
  if (SENT.has(status)) day.sent += total
  if (DELIVERED.has(status)) day.delivered += total
  if (status === 'read') day.read += total
  if (status === 'failed') day.failed += total - cancelled
}
