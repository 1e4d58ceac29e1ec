import type { NewsItem } from '../../lib/types.js'
import { NewsCard } from '../../components/cards.js'
import { useNewsPaged } from '../../api/news.js'
import { FeedPage } from '../../components/feed-page.js'

/** All councils' published news; `?council=`, `?tag=` and `?q=` narrow it. */
export default function NewsList() {
  return (
    <FeedPage<NewsItem>
      section="news"
      useList={useNewsPaged}
      filters={['tag']}
      render={(n, c) => <NewsCard key={n.id} item={n} council={c} headingLevel={2} />}
    />
  )
}
