// Worker bootstrap when running from TypeScript sources (dev, tests, benches): loader hooks of the main
// thread do not reach worker threads, so register tsx here, then load the real entry.
import { register } from 'tsx/esm/api'

register()
await import('./thread-entry.ts')
