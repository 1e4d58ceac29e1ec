import { Counter, Gauge } from 'prom-client'
import { registry } from '../../core/metrics.js'

/** Chat in /metrics (created once per process: prom-client refuses a name twice). */
let sockets: () => number = () => 0

export function countSocketsWith(fn: () => number): void {
  sockets = fn
}

new Gauge({
  name: 'chat_sockets',
  help: 'Sockets connected to /chat in this process',
  registers: [registry],
  collect() {
    this.set(sockets())
  },
})

export const chatMessages = new Counter({
  name: 'chat_messages_total',
  help: 'Chat messages stored, by room kind',
  labelNames: ['kind'] as const,
  registers: [registry],
})

export const chatEventErrors = new Counter({
  name: 'chat_event_errors_total',
  help: 'Chat socket events answered with an error, by error code',
  labelNames: ['code'] as const,
  registers: [registry],
})
