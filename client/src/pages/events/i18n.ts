import i18next from 'i18next'

/**
 * The events pages' strings (shared/locales/<lng>/events.json, section `web`) travel in the events
 * chunk, not in the home page's bundle: added to i18next when the first events page loads.
 */
const files = import.meta.glob<Record<string, unknown>>('../../../../shared/locales/*/events.json', {
  eager: true,
  import: 'default',
})
for (const [file, data] of Object.entries(files)) {
  const m = /locales\/(\w+)\/events\.json$/.exec(file)
  if (m && !i18next.hasResourceBundle(m[1], 'events')) i18next.addResourceBundle(m[1], 'events', data)
}
export const EVENTS_NS = 'events'
