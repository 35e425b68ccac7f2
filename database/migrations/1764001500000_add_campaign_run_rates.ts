import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The rates and estimated time left of a campaign's last published
 * progress, as JSON text (`CampaignProgressRates`), so a page opened later
 * shows the figures the live channel carried. NULL before the first
 * publication that measured them.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('campaign_runs', (table) => {
      table.text('rates').nullable()
    })
  }

  async down() {
    this.schema.alterTable('campaign_runs', (table) => {
      table.dropColumn('rates')
    })
  }
}
