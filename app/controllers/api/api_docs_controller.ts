import type { HttpContext } from '@adonisjs/core/http'
import { openApiDocument } from '#services/api/openapi_document'

/** The OpenAPI document and the page that lists and tries its operations; both are public. */
export default class ApiDocsController {
  async document({ request }: HttpContext) {
    return openApiDocument(`${request.protocol()}://${request.host()}`)
  }

  /** A self-contained page: its script loads nothing but the document from this server. */
  async page({ view }: HttpContext) {
    return view.render('api_docs')
  }
}
