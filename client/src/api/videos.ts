import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ModerationAction } from '../../../shared/schemas/videos.js'
import { endpoints, type QueryOf } from './endpoints.js'
import { usePagedQuery } from './paged.js'

export const videoKeys = {
  all: ['videos'] as const,
  list: (q: QueryOf<'listVideos'>) => ['videos', 'list', q] as const,
  council: (councilId: string, q: QueryOf<'listCouncilVideos'>) => ['videos', 'council', councilId, q] as const,
  moderation: (q: QueryOf<'listModerationVideos'>) => ['videos', 'moderation', q] as const,
  one: (id: string) => ['videos', 'one', id] as const,
}

export function useVideosQuery(query: QueryOf<'listVideos'>, enabled = true) {
  return useQuery({
    queryKey: videoKeys.list(query),
    queryFn: ({ signal }) => endpoints.listVideos({ query, signal }),
    enabled,
  })
}
export function useVideosPaged(query: QueryOf<'listVideos'>) {
  return usePagedQuery([...videoKeys.list(query), 'paged'], (cursor, signal) =>
    endpoints.listVideos({ query: { ...query, cursor }, signal }),
  )
}
export function useCouncilVideosPaged(councilId: string, query: QueryOf<'listCouncilVideos'>) {
  return usePagedQuery(videoKeys.council(councilId, query), (cursor, signal) =>
    endpoints.listCouncilVideos({ params: { councilId }, query: { ...query, cursor }, signal }),
  )
}
export function useModerationVideosPaged(query: QueryOf<'listModerationVideos'>) {
  return usePagedQuery(videoKeys.moderation(query), (cursor, signal) =>
    endpoints.listModerationVideos({ query: { ...query, cursor }, signal }),
  )
}
export function useVideoQuery(id: string | undefined) {
  return useQuery({
    queryKey: videoKeys.one(id ?? ''),
    queryFn: ({ signal }) => endpoints.getVideo({ params: { id: id! }, signal }),
    enabled: Boolean(id),
  })
}

const moderationCall = {
  approve: endpoints.approveVideo,
  reject: endpoints.rejectVideo,
  unpublish: endpoints.unpublishVideo,
}

/** approve / reject / unpublish: the answer is the video as it is now; every list refreshes. */
export function useModerateVideoMutation(id: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ action, reason }: { action: ModerationAction; reason?: string }) =>
      action === 'approve'
        ? moderationCall.approve({ params: { id }, body: reason ? { reason } : {} })
        : moderationCall[action]({ params: { id }, body: { reason: reason ?? '' } }),
    onSuccess: (v) => {
      qc.setQueryData(videoKeys.one(id), v)
      void qc.invalidateQueries({ queryKey: videoKeys.all, predicate: (q) => q.queryKey[1] !== 'one' })
    },
  })
}

export function useDeleteVideoMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => endpoints.deleteVideo({ params: { id } }),
    onSuccess: (_, id) => {
      qc.removeQueries({ queryKey: videoKeys.one(id) })
      void qc.invalidateQueries({ queryKey: videoKeys.all })
    },
  })
}

/** A finished upload: the council's list shows it (processing) at once. */
export function useVideoUploaded() {
  const qc = useQueryClient()
  return () => qc.invalidateQueries({ queryKey: videoKeys.all })
}
