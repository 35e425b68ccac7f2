/**
 * Registers the core's background jobs. Imported by every process that runs
 * the worker role.
 */
import '#jobs/purge_expired_tokens_job'
import '#jobs/contact_import_job'
import '#jobs/campaign_schedule_job'
import '#jobs/engine_journey_job'
import '#jobs/engine_control_job'
import '#jobs/workspace_deletion_job'
import '#jobs/list_change_events_job'
