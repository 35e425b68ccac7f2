/** The endpoint form's fields, as the pages and the validator name them. */
export interface EndpointFields {
  url: string
  description: string
  events: string[]
  enabled: boolean
}
