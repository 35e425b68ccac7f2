/**
 * Live progress of a running campaign, broadcast through Transmit on
 * `tenants/<tenantId>/campaigns/<campaignId>/progress` (see
 * `campaignProgressChannel`). Every message carries the full counts, not a
 * difference, so a client that joins late or misses a message shows the
 * right figures with the next one. The editor's canvas overlay reads it.
 */
export interface CampaignProgressPayload {
  /** Counts per node id of the campaign's published versions; nodes without journeys may be left out. */
  nodes: Record<string, NodeProgress>
  totals: CampaignProgressTotals
  /** Rates and the estimated time left; left out by payloads stored before rates were measured. */
  rates?: CampaignProgressRates
  /** Sends the quiet-hours policy holds; left out by payloads stored before holds were counted. */
  held?: CampaignHold
  /**
   * The campaign's numbers that are not connected, read when the progress
   * is published or loaded; `null` or left out while every number is connected.
   */
  offline?: CampaignOffline | null
}

/** Numbers of a campaign whose channel instance is not connected, so they send nothing. */
export interface CampaignOffline {
  numbers: { id: number; name: string; status: string }[]
  /** Whether none of the campaign's numbers is connected, so the campaign cannot send at all. */
  all: boolean
}

/**
 * Journeys whose send the campaign's quiet-hours policy holds: they reached
 * a send step in the contact's quiet hours and wait for the hours to end.
 */
export interface CampaignHold {
  /** How many journeys wait. */
  journeys: number
  /** The earliest instant one of them goes on, ISO-8601 in UTC; `null` when none waits. */
  until: string | null
}

export interface CampaignProgressRates {
  /** When the engine computed these figures, ISO-8601 in UTC. */
  at: string
  /** Messages the provider accepted in the last minute. */
  sentPerMinute: number
  /**
   * Sends a minute that the campaign's pace allows on all its numbers
   * together, averaged over the random interval, the rests and the daily
   * cap; `null` when pacing is off.
   */
  pacePerMinute: number | null
  /**
   * Estimated seconds until the campaign is done: one send for each journey
   * not ended, at the pace, or at the measured rate when pacing is off, and
   * at least until `waitsUntil`. `null` while no rate is known, and while
   * none of the campaign's numbers is connected.
   */
  etaSeconds: number | null
  /**
   * Latest time, ISO-8601 in UTC, at which a waiting journey moves on by
   * itself: the end of a Wait step, a reply timeout or of the quiet hours.
   * `null` while none waits for a later time. Left out by payloads stored
   * before waits were counted.
   */
  waitsUntil?: string | null
  /** Journeys that left each node in the last minute, by node id; nodes none left are left out. */
  nodesPerMinute: Record<string, number>
}

export interface NodeProgress {
  /** Journeys currently parked at this node: waiting for a time, a window or a reply. */
  waiting: number
  /** Journeys that left the node through each port, by port id, since the campaign started. */
  ports: Record<string, number>
  /**
   * Journeys that ended at this node with the reason `goal` (a goal node's
   * decision), since the campaign started; left out while none did.
   */
  goals?: number
}

export interface CampaignProgressTotals {
  /** Contacts enrolled so far. */
  enrolled: number
  /** Journeys not ended yet (moving or waiting). */
  active: number
  /** Journeys that ended, for any reason. */
  completed: number
  /** Messages accepted by the provider. */
  sent: number
  /**
   * Messages that failed for good, plus send steps that failed before their
   * message existed (a deleted template, a variable without a value).
   * Sends a cancel stopped are in `cancelled`, not here.
   */
  failed: number
  /**
   * Messages the campaign's cancel stopped before their send (failure code
   * `E_CAMPAIGN_CANCELLED`). Payloads stored before they were counted apart
   * leave it out.
   */
  cancelled?: number
}

/** Transmit channel of a campaign's progress. */
export function campaignProgressChannel(tenantId: number, campaignId: number) {
  return `tenants/${tenantId}/campaigns/${campaignId}/progress`
}
