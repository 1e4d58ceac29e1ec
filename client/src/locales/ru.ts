import web from '../../../shared/locales/ru/web.json' with { type: 'json' }
import common from '../../../shared/locales/ru/common.json' with { type: 'json' }
import errors from '../../../shared/locales/ru/errors.json' with { type: 'json' }

/** The client's ru texts: one chunk per language, so a page loads only the language it shows. */
export default { web, common, errors } as Record<string, Record<string, unknown>>
