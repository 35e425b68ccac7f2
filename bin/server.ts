/**
 * Entry point of the web process. With PROCESS_ROLES listing `worker` or
 * `channels` as well, the same process also runs those roles, which is the
 * single-process mode of the embedded default.
 */
await import('reflect-metadata')
const { Ignitor, prettyPrintError } = await import('@adonisjs/core')
const { APP_ROOT, importer } = await import('./importer.js')

new Ignitor(APP_ROOT, { importer })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    app.ready(async () => {
      const { startExtraRoles } = await import('#processes/process_roles')
      await startExtraRoles(app)
    })
    app.listen('SIGTERM', () => app.terminate())
    app.listen('SIGINT', () => app.terminate())
  })
  .httpServer()
  .start()
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
