import type { DateTime } from 'luxon'
import type { JourneyRecord } from '#models/journey'
import type { CampaignRecord } from '#models/campaign'
import type { ContactRecord } from '#models/contact'
import type Tenant from '#models/tenant'
import type { MessageRecord } from '#models/message'
import type { ExecutionPlan } from '#flow/execution_plan'
import type { JourneyJobData } from '#engine/engine_queues'

/** The rows and the engine time one journey job works with, loaded once at its start. */
export interface StepContext {
  data: JourneyJobData
  journey: JourneyRecord
  campaign: CampaignRecord
  plan: ExecutionPlan
  contact: ContactRecord
  /** The journey's tenant: its id and its IANA time zone. */
  tenant: Pick<Tenant, 'id' | 'timezone'>
  /** The engine clock when the job started. */
  now: DateTime
  /**
   * The message of the step's send as the outbound worker stored it, when
   * the step runs in that worker right after the send.
   */
  settled?: MessageRecord | null
}
