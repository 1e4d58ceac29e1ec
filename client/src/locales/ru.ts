import web from '../../../shared/locales/ru/web.json' with { type: 'json' }
import common from '../../../shared/locales/ru/common.json' with { type: 'json' }

/**
 * The client's ru texts (`errors` is the server's: problem+json arrives localized): one
 * chunk per language, so a page loads only the language it shows.
 */
export default { web, common } as Record<string, Record<string, unknown>>
