/**
 * JavaScript entry point for ace commands. It registers the TypeScript loader
 * and imports bin/console.ts. The production build replaces this file.
 */
import '@poppinss/ts-exec'

await import('./bin/console.js')
