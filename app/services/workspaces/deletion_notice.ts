import mail from '@adonisjs/mail/services/main'
import i18nManager from '@adonisjs/i18n/services/main'
import db from '@adonisjs/lucid/services/db'
import type { Logger } from '@adonisjs/core/logger'
import type { DateTime } from 'luxon'
import { appUrl } from '#config/app'
import type WorkspaceDeletion from '#models/workspace_deletion'
import { sqlTime } from '#sdk'
import { recipientLocale } from '#services/recipient_locale'
import { rowTotals } from '#services/workspaces/deletion_progress'

interface Recipient {
  id: number
  userId: number
  email: string
  locale: string | null
}

function mailTime(value: DateTime | null) {
  return value ? `${value.toUTC().toFormat('yyyy-LL-dd HH:mm')} UTC` : '-'
}

/** Fills the e-mail's placeholders: the workspace, who requested the deletion, when, and what went. */
function mailValues(deletion: WorkspaceDeletion, translate: (key: string) => string) {
  const { steps } = deletion.progress
  return {
    workspace: deletion.workspaceName,
    requester: deletion.requestedByEmail ?? translate('mail.workspace_deleted.requester_unknown'),
    requestedAt: mailTime(deletion.requestedAt),
    finishedAt: mailTime(deletion.finishedAt),
    campaigns: steps.campaigns.count,
    instances: steps.instances.count,
    jobs: steps.jobs.count,
    files: steps.files.count,
    rows: rowTotals(deletion.progress).removed,
    link: appUrl,
  }
}

/**
 * Takes the member's e-mail for sending: marks it sent unless another run
 * marked it first. Returns whether this run may send it.
 */
async function claim(recipient: Recipient) {
  const updated = await db
    .from('workspace_deletion_members')
    .where('id', recipient.id)
    .whereNull('notified_at')
    .update({ notified_at: sqlTime() })
  return Number(updated) === 1
}

async function release(recipient: Recipient) {
  await db
    .from('workspace_deletion_members')
    .where('id', recipient.id)
    .update({ notified_at: null })
}

/**
 * E-mails each member the workspace had when its deletion was requested
 * that the deletion finished, in their language, once: a member's row is
 * marked before the send, so a run after a crash does not mail them again.
 * A send that fails is unmarked and raises after the others were tried,
 * so the deletion job retries it.
 *
 * NOTE: a crash between the mark and the send loses that member's
 * e-mail; a mail server cannot take part in the database's transaction.
 */
export async function notifyMembersOfDeletion(deletion: WorkspaceDeletion, logger: Logger) {
  const recipients: Recipient[] = await db
    .from('workspace_deletion_members')
    .join('users', 'users.id', 'workspace_deletion_members.user_id')
    .where('workspace_deletion_members.deletion_id', deletion.id)
    .whereNull('workspace_deletion_members.notified_at')
    .orderBy('workspace_deletion_members.id')
    .select(
      'workspace_deletion_members.id',
      'workspace_deletion_members.user_id as userId',
      'users.email',
      'users.locale'
    )

  let failed = 0
  for (const recipient of recipients) {
    if (!(await claim(recipient))) {
      continue
    }
    const i18n = i18nManager.locale(recipientLocale(recipient.locale, deletion.workspaceLocale))
    const values = mailValues(deletion, (key) => i18n.t(key))
    try {
      await mail.send((message) => {
        message
          .to(recipient.email)
          .subject(i18n.t('mail.workspace_deleted.subject', values))
          .text(i18n.t('mail.workspace_deleted.body', values))
      })
      logger.info({ userId: recipient.userId }, 'workspace deletion e-mail sent')
    } catch (error) {
      failed++
      await release(recipient)
      logger.error({ err: error, userId: recipient.userId }, 'workspace deletion e-mail failed')
    }
  }
  if (failed > 0) {
    throw new Error(`${failed} e-mail(s) about deleted workspace ${deletion.workspaceId} not sent`)
  }
}
