import { DateTime } from 'luxon'
import type { Infer } from '@vinejs/vine/types'
import type Campaign from '#models/campaign'
import type { QuietHoursPolicy } from '#models/campaign'
import type { campaignSettingsValidator } from '#validators/campaigns'
import ChannelInstance from '#models/channel_instance'
import ContactList from '#models/contact_list'
import Segment from '#models/segment'

export type CampaignSettingsInput = Infer<typeof campaignSettingsValidator>

/**
 * Minutes a chosen start time may lie in the past. The form picks whole
 * minutes, so a member who picks the current minute, or saves a moment
 * later, starts the campaign at once instead of meeting an error.
 */
const PAST_START_GRACE_MINUTES = 10

/** A rule between fields that settings broke: the translation key and the values it names. */
export interface SettingsError {
  key: string
  values: Record<string, string | number>
}

/** Format of times in messages, in the tenant's time zone and the same in every language. */
const MESSAGE_TIME_FORMAT = 'yyyy-MM-dd HH:mm'

/** The engine's current time, and the start time the campaign already stores. */
interface SettingsTimes {
  now: DateTime
  storedStartsAt?: DateTime | null
}

/**
 * Checks the rules between fields of settings that passed the schema, and
 * returns their errors keyed by the field the member should change. A start
 * time more than PAST_START_GRACE_MINUTES before `now` is rejected, unless
 * it is the one already stored (`storedStartsAt`), as on a campaign that
 * started at it.
 */
export function settingsErrors(
  input: CampaignSettingsInput,
  timeZone: string,
  times: SettingsTimes
) {
  const errors: Record<string, SettingsError> = {}
  if (input.minIntervalSeconds > input.maxIntervalSeconds) {
    errors.minIntervalSeconds = {
      key: 'campaigns.errors.interval_order',
      values: { min: input.minIntervalSeconds, max: input.maxIntervalSeconds },
    }
  }
  // A pause needs both numbers, so the error sits on the one left empty.
  if (input.pauseAfterSends !== null && input.pauseMinutes === null) {
    errors.pauseMinutes = {
      key: 'campaigns.errors.pause_minutes_missing',
      values: { sends: input.pauseAfterSends },
    }
  }
  if (input.pauseAfterSends === null && input.pauseMinutes !== null) {
    errors.pauseAfterSends = {
      key: 'campaigns.errors.pause_sends_missing',
      values: { minutes: input.pauseMinutes },
    }
  }
  const startError = startTimeError(input, timeZone, times)
  if (startError) {
    errors.startsAtLocal = startError
  }
  const quietWindow = input.quietHours.mode === 'custom' ? input.quietHours.window : null
  if (input.quietHours.mode === 'custom' && !quietWindow) {
    errors.quietHours = { key: 'campaigns.errors.quiet_window_missing', values: {} }
  }
  // A window that ends when it starts blocks sending for 24 hours from each of
  // its days, so the workspace's quiet hours reject it too.
  if (quietWindow && quietWindow.start === quietWindow.end) {
    errors['quietHours.window.end'] = {
      key: 'campaigns.errors.quiet_window_empty',
      values: { start: quietWindow.start, end: quietWindow.end },
    }
  }
  return errors
}

function startTimeError(
  input: CampaignSettingsInput,
  timeZone: string,
  times: SettingsTimes
): SettingsError | null {
  if (input.startMode !== 'at') {
    return null
  }
  const startsAt = input.startsAtLocal
    ? DateTime.fromISO(input.startsAtLocal, { zone: timeZone })
    : null
  if (!startsAt?.isValid) {
    return { key: 'campaigns.errors.starts_at_missing', values: {} }
  }
  if (
    startsAt < times.now.minus({ minutes: PAST_START_GRACE_MINUTES }) &&
    startsAt.toMillis() !== times.storedStartsAt?.toMillis()
  ) {
    return {
      key: 'campaigns.errors.starts_at_past',
      values: {
        time: startsAt.toFormat(MESSAGE_TIME_FORMAT),
        now: times.now.setZone(timeZone).toFormat(MESSAGE_TIME_FORMAT),
        zone: timeZone,
      },
    }
  }
  return null
}

/** Choices of the form that name rows of the tenant, with the model each names. */
const CHOICES = [
  { field: 'listIds', model: ContactList, key: 'campaigns.errors.unknown_lists' },
  { field: 'segmentIds', model: Segment, key: 'campaigns.errors.unknown_segments' },
  {
    field: 'channelInstanceIds',
    model: ChannelInstance,
    key: 'campaigns.errors.unknown_instances',
  },
] as const

/**
 * Finds the chosen lists, segments and numbers that the current tenant does
 * not have, such as another tenant's or deleted ones. Returns, by field,
 * the translation key and the missing ids.
 */
export async function unknownChoices(input: CampaignSettingsInput) {
  const errors: Record<string, { key: string; values: { ids: string } }> = {}
  for (const { field, model, key } of CHOICES) {
    const ids = input[field]
    if (ids.length === 0) {
      continue
    }
    const rows = await model.query().whereIn('id', ids).select('id')
    const found = new Set(rows.map((row) => row.id))
    const missing = ids.filter((id) => !found.has(id))
    if (missing.length > 0) {
      errors[field] = { key, values: { ids: missing.join(', ') } }
    }
  }
  return errors
}

/**
 * Copies validated settings onto a campaign. The start time is read in the
 * tenant's time zone and stored in UTC.
 */
export function applySettings(campaign: Campaign, input: CampaignSettingsInput, timeZone: string) {
  const quietHours: QuietHoursPolicy =
    input.quietHours.mode === 'custom' && input.quietHours.window
      ? { mode: 'custom', window: input.quietHours.window as QuietHoursPolicy & never }
      : { mode: 'tenant' }
  campaign.merge({
    name: input.name,
    listIds: input.listIds,
    segmentIds: input.segmentIds,
    channelInstanceIds: input.channelInstanceIds,
    variables: Object.fromEntries(
      input.variables.map((variable) => [variable.name, variable.value])
    ),
    startMode: input.startMode,
    startsAt:
      input.startMode === 'at' && input.startsAtLocal
        ? DateTime.fromISO(input.startsAtLocal, { zone: timeZone }).toUTC()
        : null,
    minIntervalSeconds: input.minIntervalSeconds,
    maxIntervalSeconds: input.maxIntervalSeconds,
    dailyCapPerNumber: input.dailyCapPerNumber,
    pauseAfterSends: input.pauseAfterSends,
    pauseMinutes: input.pauseMinutes,
    quietHours,
  })
}

/** Campaign attributes that the settings form sets, in the form's order. */
const SETTING_NAMES = [
  'name',
  'listIds',
  'segmentIds',
  'channelInstanceIds',
  'variables',
  'startMode',
  'startsAt',
  'minIntervalSeconds',
  'maxIntervalSeconds',
  'dailyCapPerNumber',
  'pauseAfterSends',
  'pauseMinutes',
  'quietHours',
] as const

/**
 * Returns the names of the settings whose values differ from the stored
 * ones, such as `['listIds', 'quietHours']`, read from Lucid's dirty
 * attributes. Call it after `applySettings` and before the save. A campaign
 * not stored yet has no changes.
 */
export function changedSettings(campaign: Campaign): string[] {
  if (!campaign.$isPersisted) {
    return []
  }
  const dirty = campaign.$dirty
  return SETTING_NAMES.filter((setting) => {
    if (setting === 'startsAt') {
      return startsAtChanged(campaign)
    }
    return Object.hasOwn(dirty, setting)
  })
}

/**
 * Compares the start time as an instant. Lucid's dirty check also compares
 * the time zone, and the stored value is read in UTC while the form's is
 * converted from the tenant's zone.
 */
function startsAtChanged(campaign: Campaign) {
  const stored = campaign.$original.startsAt as DateTime | null
  return (stored?.toMillis() ?? null) !== (campaign.startsAt?.toMillis() ?? null)
}

/** The settings form's values, with the start time in the tenant's time zone. */
export function serializeSettings(campaign: Campaign, timeZone: string) {
  return {
    id: campaign.id,
    name: campaign.name,
    state: campaign.state,
    listIds: campaign.listIds,
    segmentIds: campaign.segmentIds,
    channelInstanceIds: campaign.channelInstanceIds,
    variables: Object.entries(campaign.variables).map(([name, value]) => ({ name, value })),
    startMode: campaign.startMode,
    startsAtLocal: campaign.startsAt
      ? campaign.startsAt.setZone(timeZone).toFormat("yyyy-MM-dd'T'HH:mm")
      : null,
    minIntervalSeconds: campaign.minIntervalSeconds,
    maxIntervalSeconds: campaign.maxIntervalSeconds,
    dailyCapPerNumber: campaign.dailyCapPerNumber,
    pauseAfterSends: campaign.pauseAfterSends,
    pauseMinutes: campaign.pauseMinutes,
    quietHours: {
      mode: campaign.quietHours.mode,
      window: campaign.quietHours.mode === 'custom' ? campaign.quietHours.window : null,
    },
  }
}
