import type { DateTime } from 'luxon'
import type Journey from '#models/journey'
import type Campaign from '#models/campaign'
import type Contact from '#models/contact'
import type Tenant from '#models/tenant'
import type { ExecutionPlan } from '#flow/execution_plan'
import type { JourneyJobData } from '#engine/engine_queues'

/** The rows and the engine time one journey job works with, loaded once at its start. */
export interface StepContext {
  data: JourneyJobData
  journey: Journey
  campaign: Campaign
  plan: ExecutionPlan
  contact: Contact
  /** The journey's tenant: its id and its IANA time zone. */
  tenant: Pick<Tenant, 'id' | 'timezone'>
  /** The engine clock when the job started. */
  now: DateTime
}
