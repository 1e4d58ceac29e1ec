import type { Video } from '../../lib/types.js'
import { VideoCard } from '../../components/cards.js'
import { useVideosPaged } from '../../api/videos.js'
import { FeedPage } from '../../components/feed-page.js'

/** All councils' published videos; `?council=` and `?q=` narrow it. */
export default function Videos() {
  return (
    <FeedPage<Video>
      section="video"
      useList={useVideosPaged}
      gridClass="grid grid-4"
      render={(v, c) => <VideoCard key={v.id} video={v} council={c} headingLevel={2} />}
    />
  )
}
