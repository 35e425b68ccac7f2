/**
 * Test helpers for plugin authors, importable as `#sdk/testing` from Japa
 * test files: node executor contexts and the channel conformance kit.
 */
export * from './node_context.js'
export * from './channel_conformance.js'
