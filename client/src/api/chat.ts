import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { emitAck, type ChatSocket } from '../lib/chat-socket.js'
import { postForm } from '../lib/xhr.js'
import type { ChatAttachment, ChatMessage, ChatRoom } from '../lib/types.js'
import { endpoints, fillPath, type BodyOf } from './endpoints.js'

/**
 * Chat: the rooms and each room's messages live in the query cache; REST fills it, the socket's
 * events (typed by shared/socket-events.ts) update it in place, and reading a room marks it read
 * optimistically.
 */
export const chatKeys = {
  all: ['chat'] as const,
  rooms: ['chat', 'rooms'] as const,
  messages: (roomId: string) => ['chat', 'messages', roomId] as const,
}

/** A room's loaded messages, oldest first, and the cursor of the next older page (null: none). */
export interface RoomLog {
  items: ChatMessage[]
  older: string | null
}

const byTime = (a: ChatMessage, b: ChatMessage) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)
/** Messages are kept by id: a message arriving twice (ack, broadcast, missed) is one message. */
export function mergeMessages(list: ChatMessage[], more: ChatMessage[]): ChatMessage[] {
  const m = new Map(list.map((x) => [x.id, x]))
  for (const x of more) m.set(x.id, x)
  return [...m.values()].sort(byTime)
}

export function useRoomsQuery() {
  return useQuery({
    queryKey: chatKeys.rooms,
    queryFn: async ({ signal }) => (await endpoints.listRooms({ query: { limit: 100 }, signal })).items,
    staleTime: Infinity, // the socket keeps it current; room:updated invalidates it
  })
}

export function useRoomMessagesQuery(roomId: string | undefined) {
  const qc = useQueryClient()
  return useQuery({
    queryKey: chatKeys.messages(roomId ?? ''),
    queryFn: async ({ signal }): Promise<RoomLog> => {
      const p = await endpoints.listMessages({ params: { id: roomId! }, query: { limit: 50 }, signal })
      const prev = qc.getQueryData<RoomLog>(chatKeys.messages(roomId!))
      return { items: mergeMessages(prev?.items ?? [], p.items), older: prev ? prev.older : p.nextCursor }
    },
    enabled: Boolean(roomId),
    staleTime: Infinity,
  })
}

/** Adds or replaces messages of a room whose log is loaded (others load theirs when opened). */
export function putMessages(qc: QueryClient, roomId: string, messages: ChatMessage[]): void {
  qc.setQueryData<RoomLog>(chatKeys.messages(roomId), (log) =>
    log ? { ...log, items: mergeMessages(log.items, messages) } : log,
  )
}
export function patchRoom(qc: QueryClient, roomId: string, patch: (r: ChatRoom) => Partial<ChatRoom>): void {
  qc.setQueryData<ChatRoom[]>(chatKeys.rooms, (rs) => rs?.map((r) => (r.id === roomId ? { ...r, ...patch(r) } : r)))
}

export function useOlderMessagesMutation(roomId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async () => {
      const log = qc.getQueryData<RoomLog>(chatKeys.messages(roomId))
      if (!log?.older) return null
      return endpoints.listMessages({ params: { id: roomId }, query: { limit: 50, before: log.older } })
    },
    onSuccess: (p) => {
      if (!p) return
      qc.setQueryData<RoomLog>(chatKeys.messages(roomId), (log) =>
        log ? { items: mergeMessages(log.items, p.items), older: p.nextCursor } : log,
      )
    },
  })
}

export function useCreateRoomMutation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: BodyOf<'createRoom'>) => endpoints.createRoom({ body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: chatKeys.rooms }),
  })
}
export function useAddCouncilsMutation(roomId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (councilIds: string[]) => endpoints.addRoomCouncils({ params: { id: roomId }, body: { councilIds } }),
    onSuccess: ({ room }) => patchRoom(qc, roomId, () => room),
  })
}

/**
 * Reading a room: its unread count drops to 0 at once; if the server refuses, the count the
 * server knows comes back.
 */
export function useMarkReadMutation(socket: ChatSocket | null) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async ({ roomId, messageId }: { roomId: string; messageId: string }) => {
      if (!socket) throw new Error('offline')
      const ack = await emitAck(socket, 'message:read', { roomId, messageId })
      if (!ack.ok) throw new Error(ack.error.code)
      return ack
    },
    onMutate: async ({ roomId }) => {
      const before = qc.getQueryData<ChatRoom[]>(chatKeys.rooms)?.find((r) => r.id === roomId)?.unread
      patchRoom(qc, roomId, () => ({ unread: 0 }))
      return { before }
    },
    onError: (_e, { roomId }, ctx) => {
      if (ctx?.before !== undefined) patchRoom(qc, roomId, () => ({ unread: ctx.before }))
    },
  })
}

/**
 * The socket's server events into the cache: new, edited and deleted messages, unread counts and
 * last messages of the room list, changed rooms. `openRoom` is the room on screen (read at once).
 */
export function useChatCacheFeed(socket: ChatSocket | null, openRoom: () => string | undefined) {
  const qc = useQueryClient()
  const markRead = useMarkReadMutation(socket)
  useEffect(() => {
    if (!socket) return
    const onNew = ({ message }: { message: ChatMessage }) => {
      putMessages(qc, message.roomId, [message])
      const open = message.roomId === openRoom()
      patchRoom(qc, message.roomId, (r) => ({
        lastMessage: message,
        lastMessageAt: message.createdAt,
        unread: open ? 0 : (r.unread ?? 0) + 1,
      }))
      if (open && document.visibilityState === 'visible')
        markRead.mutate({ roomId: message.roomId, messageId: message.id })
    }
    const onEdited = ({ message }: { message: ChatMessage }) => putMessages(qc, message.roomId, [message])
    const onDeleted = ({ roomId, messageId }: { roomId: string; messageId: string }) =>
      qc.setQueryData<RoomLog>(chatKeys.messages(roomId), (log) =>
        log
          ? {
              ...log,
              items: log.items.map((x) =>
                x.id === messageId ? { ...x, text: '', deletedAt: new Date().toISOString() } : x,
              ),
            }
          : log,
      )
    const onRoomUpdated = () => void qc.invalidateQueries({ queryKey: chatKeys.rooms })
    socket.on('message:new', onNew)
    socket.on('message:edited', onEdited)
    socket.on('message:deleted', onDeleted)
    socket.on('room:updated', onRoomUpdated)
    return () => {
      socket.off('message:new', onNew)
      socket.off('message:edited', onEdited)
      socket.off('message:deleted', onDeleted)
      socket.off('room:updated', onRoomUpdated)
    }
    // markRead.mutate is stable for the mutation's lifetime
  }, [socket, qc, openRoom])
  return markRead
}

/** Uploads one chat attachment with progress (XMLHttpRequest: fetch has no upload progress). */
export function uploadAttachment(
  roomId: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
  signal: AbortSignal,
): Promise<ChatAttachment> {
  const form = new FormData()
  form.set('file', file)
  return postForm<ChatAttachment>(fillPath('/chat/rooms/:id/attachments', { id: roomId }), form, onProgress, signal)
}
