import { BaseSchema } from '#sdk'

/**
 * Subscribes every endpoint that receives `message:failed` to
 * `message:cancelled` too. A send a campaign's cancel stopped used to come
 * as `message:failed` and now comes as `message:cancelled`, so these
 * endpoints keep receiving every message that was not sent.
 */
export default class extends BaseSchema {
  async up() {
    this.defer(async (db) => {
      const endpoints = await db.from('webhook_endpoints').select('id', 'events')
      for (const endpoint of endpoints) {
        const events = JSON.parse(endpoint.events) as string[]
        if (events.includes('message:failed') && !events.includes('message:cancelled')) {
          await db
            .from('webhook_endpoints')
            .where('id', endpoint.id)
            .update({ events: JSON.stringify([...events, 'message:cancelled']) })
        }
      }
    })
  }

  async down() {}
}
