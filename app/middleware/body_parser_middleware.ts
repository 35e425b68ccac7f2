import { rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import AdonisBodyParserMiddleware from '@adonisjs/core/bodyparser_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import { MultipartFile } from '@adonisjs/core/bodyparser'
import type { NextFn } from '@adonisjs/core/types/http'
import { BodyEncodingException } from '#exceptions/body_encoding_exception'

/**
 * Tells whether an error is zlib's, raised when inflating bytes that are not
 * gzip, deflate or brotli data: `Z_DATA_ERROR` for a bad header,
 * `Z_BUF_ERROR` for a cut stream, `ERR__ERROR_FORMAT_*` from brotli.
 */
function isDecompressionError(error: unknown) {
  const { errno, code } = (error ?? {}) as { errno?: unknown; code?: unknown }
  return typeof errno === 'number' && typeof code === 'string' && /^(Z_|ERR__ERROR_)/.test(code)
}

/** Lists the uploaded files of a request's files tree, whose fields may nest in objects and arrays. */
function uploadedFiles(value: unknown): MultipartFile[] {
  if (value instanceof MultipartFile) {
    return [value]
  }
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(uploadedFiles)
  }
  return []
}

/**
 * Deletes the temporary files of a request's uploads. Routes copy what they
 * keep onto the drive while they run.
 */
async function removeUploads(ctx: HttpContext) {
  for (const file of uploadedFiles(ctx.request.allFiles())) {
    if (file.tmpPath) {
      await rm(file.tmpPath, { force: true }).catch((error) => {
        ctx.logger.warn({ err: error, tmpPath: file.tmpPath }, 'upload temporary file not removed')
      })
    }
  }
}

/**
 * Parses request bodies with AdonisJS's body parser. That parser lets zlib's
 * error through when a body does not decode with its Content-Encoding, and
 * the error would end as a 500. This middleware raises a 400 that names the
 * encoding instead. Errors raised after the body is parsed, by the route
 * itself, pass unchanged.
 *
 * The parser writes every uploaded file to the temporary folder before any
 * route middleware runs, also for guests and for routes that take no file,
 * and never deletes it. This middleware deletes those files once the route
 * has run, so uploads do not pile up on the disk.
 */
export default class BodyParserMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    // A singleton, bound with the body parser's configuration by the app provider.
    const parser = await app.container.make(AdonisBodyParserMiddleware)
    let parsed = false
    try {
      return await parser.handle(ctx, () => {
        parsed = true
        return next()
      })
    } catch (error) {
      if (!parsed && isDecompressionError(error)) {
        ctx.logger.info({ err: error }, 'request body does not decode as its content encoding')
        throw new BodyEncodingException(ctx.request.header('content-encoding') ?? 'identity')
      }
      throw error
    } finally {
      await removeUploads(ctx)
    }
  }
}
