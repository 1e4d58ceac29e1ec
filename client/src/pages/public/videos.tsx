import type { Video } from '../../lib/types.js'
import { VideoCard } from '../../components/cards.js'
import { FeedPage } from '../../components/feed-page.js'

/** All councils' published videos; `?council=` and `?q=` narrow it. */
export default function Videos() {
  return (
    <FeedPage<Video>
      section="video"
      path="/videos"
      gridClass="grid grid-4"
      render={(v, c) => <VideoCard key={v.id} video={v} council={c} headingLevel={2} />}
    />
  )
}
