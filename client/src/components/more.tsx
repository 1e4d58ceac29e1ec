import { useTranslation } from 'react-i18next'
import type { Paged } from '../api/paged.js'
import { ErrorBox, Loading } from './status.js'

/** Loading state, error and the "show more" button of a paged list. */
export function More({ list }: { list: Paged<unknown> }) {
  const { t } = useTranslation()
  return (
    <>
      <ErrorBox error={list.error} />
      {list.loading ? (
        <Loading />
      ) : (
        list.hasMore && (
          <p className="more">
            <button type="button" className="btn" onClick={list.more}>
              {t('list.more')}
            </button>
          </p>
        )
      )}
    </>
  )
}
