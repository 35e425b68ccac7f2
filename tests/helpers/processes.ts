import { spawn, type ChildProcess } from 'node:child_process'
import app from '@adonisjs/core/services/app'

export interface RunningProcess {
  child: ChildProcess
  output: () => string
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>
  waitForExit: (timeoutMs?: number) => Promise<number | null>
}

/**
 * Starts `node ace <args>` as a separate process with the test environment,
 * so a test can signal or kill it like an operator would.
 */
export function startAce(args: string[], env: Record<string, string> = {}) {
  return startNode(['ace', ...args], env)
}

/**
 * Runs `node ace <args>` to its end with the test environment plus `env`,
 * and returns its exit code and output.
 */
export function runAce(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['ace', ...args], {
      cwd: app.appRoot.pathname,
      env: { ...process.env, ...env },
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('exit', (code) => resolve({ code, output }))
  })
}

/**
 * Starts the web entry point (bin/server.ts) as a separate process. Unlike
 * `node ace serve`, whose dev server lets .env values win, the environment
 * given here is the one the server sees.
 */
export function startWebServer(env: Record<string, string> = {}) {
  return startNode(['--import', '@poppinss/ts-exec', 'bin/server.ts'], env)
}

/** Settings that make a process trust the loopback WhatsApp peer; never valid in production. */
const PEER_TRUST_SETTINGS = ['WHATSAPP_TEST_ROOT_PUBLIC_KEY', 'WHATSAPP_TEST_ROOT_SERIAL']

/**
 * Starts `node <args>` in `cwd` (the project folder by default) with the
 * test environment and `env` on top, and collects its output. A production
 * child does not inherit this process's trust in the loopback peer.
 */
export function startNode(
  args: string[],
  env: Record<string, string>,
  cwd = app.appRoot.pathname
): RunningProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...env }
  if (childEnv.NODE_ENV === 'production') {
    // Tests of the WhatsApp channel trust the loopback peer's root in this
    // process's environment; a production child refuses to boot with it.
    for (const name of PEER_TRUST_SETTINGS) {
      if (!(name in env)) {
        delete childEnv[name]
      }
    }
  }
  const child = spawn(process.execPath, args, {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let buffer = ''
  child.stdout!.on('data', (chunk) => (buffer += chunk))
  child.stderr!.on('data', (chunk) => (buffer += chunk))

  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code))
  )

  return {
    child,
    output: () => buffer,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(buffer)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`process output never matched ${pattern}:\n${buffer}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    async waitForExit(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`process did not exit:\n${buffer}`)), timeoutMs)
      })
      try {
        return await Promise.race([exited, timeout])
      } finally {
        clearTimeout(timer)
      }
    },
  }
}
