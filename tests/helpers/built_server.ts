import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { relative } from 'node:path'
import app from '@adonisjs/core/services/app'
import { startNode, type RunningProcess } from '#tests/helpers/processes'

/**
 * Builds the application for production, as `script/server` does with
 * `node ace build`, into `outDir` (a folder under tmp/) instead of build/, so
 * a test never replaces the build a running server uses. The build ignores
 * type errors because `script/test` runs the type check as a step of its own.
 */
export async function buildApplication(outDir: string) {
  const tsconfig = `${outDir}.tsconfig.json`
  await mkdir(app.tmpPath(), { recursive: true })
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: relative(app.tmpPath(), app.makePath('tsconfig.json')),
      include: [`${relative(app.tmpPath(), app.appRoot.pathname)}/**/*`],
      compilerOptions: { outDir: relative(app.tmpPath(), outDir) },
    })
  )

  const { code, output } = await runToEnd(
    ['ace', 'build', '--ignore-ts-errors', `--tsconfig=${relative(app.makePath(), tsconfig)}`],
    { NODE_ENV: 'production' }
  )
  if (code !== 0) {
    throw new Error(`node ace build failed with exit code ${code}:\n${output}`)
  }
  await writeFile(`${outDir}/.env`, '')
  await mkdir(`${outDir}/tmp`, { recursive: true })
}

/** Runs `node <args>` in the project folder to its end and returns its exit code and output. */
export async function runToEnd(args: string[], env: Record<string, string>, timeoutMs = 300_000) {
  const child = startNode(args, env)
  const code = await child.waitForExit(timeoutMs)
  return { code, output: child.output() }
}

/** V8 heap flags that script/server and the worker service start Node with. */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=16', '--heap-growing-percent=35']

/**
 * Starts the built web entry point (`<outDir>/bin/server.js`) with `env`, as
 * script/server does, and waits until the channels role, the last to start, reports it runs.
 */
export async function startBuiltServer(outDir: string, env: Record<string, string>) {
  const server = startNode([...SERVER_NODE_FLAGS, `${outDir}/bin/server.js`], env, outDir)
  try {
    await server.waitForOutput(/channels role started/, 60_000)
  } catch (error) {
    server.child.kill('SIGKILL')
    throw error
  }
  return server
}

/** Stops a server with SIGTERM, as an operator does, and kills it if it does not exit. */
export async function stopServer(server: RunningProcess | undefined) {
  if (!server || server.child.exitCode !== null) {
    return
  }
  server.child.kill('SIGTERM')
  await server.waitForExit(40_000).catch(() => server.child.kill('SIGKILL'))
}

/** Finds a TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}
