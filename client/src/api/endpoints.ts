/**
 * The typed endpoint table: every HTTP call the web client makes, with its path parameters,
 * query, body and response typed by the same zod schemas the server validates with
 * (`shared/schemas/*`). Types only (`import type`), so zod never reaches the bundle; a change of
 * a schema is a compile error in the hooks that use it. Pages never write a path: they call
 * the hooks in `client/src/api/<domain>.ts`, which call these.
 */
import type { z } from 'zod'
import type * as Appeals from '../../../shared/schemas/appeals.js'
import type * as Auth from '../../../shared/schemas/auth.js'
import type * as Chat from '../../../shared/schemas/chat.js'
import type * as Common from '../../../shared/schemas/common.js'
import type * as Councils from '../../../shared/schemas/councils.js'
import type * as Events from '../../../shared/schemas/events.js'
import type * as News from '../../../shared/schemas/news.js'
import type * as Ops from '../../../shared/schemas/operations.js'
import type * as Regions from '../../../shared/schemas/regions.js'
import type * as Users from '../../../shared/schemas/users.js'
import type * as Videos from '../../../shared/schemas/videos.js'
import { request, type Method } from '../lib/api.js'

interface Spec {
  params?: z.ZodType
  query?: z.ZodType
  body?: z.ZodType
  /** multipart/form-data instead of (or besides) a JSON body */
  form?: true
  /**
   * A form's body that the server validates field by field (its problem+json names each missing
   * or wrong field next to the input): fields may be missing here.
   */
  draft?: true
  response?: z.ZodType
}
/** Query values as a page holds them: a missing filter may be null or '' (dropped on the wire). */
type Loose<T> = { [K in keyof T]?: T[K] | null | '' }

export type ArgsOf<S extends Spec> = (S['params'] extends z.ZodType ? { params: z.input<S['params']> } : unknown) &
  (S['query'] extends z.ZodType ? { query?: Loose<z.input<S['query']>> } : unknown) &
  (S['body'] extends z.ZodType
    ? S['form'] extends true
      ? { body?: never }
      : { body: S['draft'] extends true ? Partial<z.input<S['body']>> : z.input<S['body']> }
    : unknown) &
  (S['form'] extends true ? { form: FormData } : unknown) & { signal?: AbortSignal }
export type ResultOf<S extends Spec> = S['response'] extends z.ZodType ? z.output<S['response']> : void

export interface Endpoint<S extends Spec> {
  (args: ArgsOf<S>): Promise<ResultOf<S>>
  method: Method
  path: string
}

/** `/appeals/:id` + `{ id }` → `/appeals/6650…` (each parameter URI-encoded). */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:(\w+)/g, (_, k: string) => {
    const v = params?.[k]
    if (v === undefined || v === null || v === '') throw new Error(`missing path parameter ${k} for ${path}`)
    return encodeURIComponent(String(v))
  })
}

function endpoint<S extends Spec>(method: Method, path: string): Endpoint<S> {
  const call = (args: ArgsOf<S>) => {
    const a = args as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown }
    const f = args as { form?: FormData; signal?: AbortSignal }
    return request<ResultOf<S>>(fillPath(path, a.params), {
      method,
      query: a.query as Record<string, string | number | boolean | null | undefined>,
      body: a.body,
      form: f.form,
      signal: f.signal,
    })
  }
  return Object.assign(call, { method, path })
}

type Id = typeof Common.IdParams
type PageOf<T extends z.ZodType> = z.ZodObject<{ items: z.ZodArray<T>; nextCursor: z.ZodNullable<z.ZodString> }>

export const endpoints = {
  // ---- auth and users ----
  me: endpoint<{ response: typeof Users.UserResponse }>('GET', '/auth/me'),
  session: endpoint<{ response: typeof Users.SessionResponse }>('GET', '/auth/session'),
  updateMe: endpoint<{ body: typeof Auth.UpdateMeBody; response: typeof Users.UserResponse }>('PATCH', '/auth/me'),
  login: endpoint<{ body: typeof Auth.LoginBody; response: typeof Users.UserResponse }>('POST', '/auth/login'),
  logout: endpoint<object>('POST', '/auth/logout'),
  changePassword: endpoint<{ body: typeof Auth.ChangePasswordBody }>('POST', '/auth/password/change'),
  myData: endpoint<{ response: typeof Users.MyData }>('GET', '/auth/me/data'),
  eraseAccount: endpoint<{ body: typeof Auth.EraseAccountBody }>('POST', '/auth/me/erase'),
  register: endpoint<{ body: typeof Auth.RegisterBody; response: typeof Users.UserResponse }>('POST', '/auth/register'),
  verifyEmail: endpoint<{ body: typeof Auth.VerifyEmailBody }>('POST', '/auth/verify-email'),
  forgotPassword: endpoint<{ body: typeof Auth.ForgotPasswordBody }>('POST', '/auth/password/forgot'),
  resetPassword: endpoint<{ body: typeof Auth.ResetPasswordBody }>('POST', '/auth/password/reset'),
  listUsers: endpoint<{ query: typeof Users.UserListQuery; response: typeof Users.UserPage }>('GET', '/users'),
  updateUser: endpoint<{ params: Id; body: typeof Users.UpdateUserBody; response: typeof Users.AdminUserResponse }>(
    'PATCH',
    '/users/:id',
  ),
  listAudit: endpoint<{ query: typeof Users.AuditQuery; response: typeof Users.AuditPage }>('GET', '/audit'),
  operations: endpoint<{ response: typeof Ops.Operations }>('GET', '/admin/operations'),
  retryJob: endpoint<{ params: Id; response: typeof Ops.RetriedJob }>('POST', '/admin/jobs/:id/retry'),

  // ---- regions and councils ----
  listRegions: endpoint<{ response: typeof Regions.RegionList }>('GET', '/regions'),
  listCouncils: endpoint<{ query: typeof Councils.CouncilListQuery; response: typeof Councils.CouncilPage }>(
    'GET',
    '/councils',
  ),
  getCouncil: endpoint<{ params: typeof Councils.CouncilRefParams; response: typeof Councils.CouncilProfile }>(
    'GET',
    '/councils/:id',
  ),
  createCouncil: endpoint<{ body: typeof Councils.CreateCouncil; response: typeof Councils.CouncilProfile }>(
    'POST',
    '/councils',
  ),
  updateCouncil: endpoint<{
    params: typeof Councils.CouncilIdParams
    body: typeof Councils.UpdateCouncil
    response: typeof Councils.CouncilProfile
  }>('PATCH', '/councils/:id'),
  deleteCouncil: endpoint<{ params: typeof Councils.CouncilIdParams }>('DELETE', '/councils/:id'),
  uploadCouncilLogo: endpoint<{
    params: typeof Councils.CouncilIdParams
    form: true
    response: typeof Councils.CouncilProfile
  }>('POST', '/councils/:id/logo'),

  // ---- news ----
  listNews: endpoint<{ query: typeof News.NewsListQuery; response: typeof News.NewsPage }>('GET', '/news'),
  getNews: endpoint<{ params: typeof News.NewsRefParams; response: typeof News.NewsItem }>('GET', '/news/:id'),
  listCouncilNews: endpoint<{
    params: typeof News.CouncilNewsParams
    query: typeof News.CouncilNewsListQuery
    response: typeof News.CouncilNewsPage
  }>('GET', '/councils/:councilId/news'),
  createNews: endpoint<{
    params: typeof News.CouncilNewsParams
    body: typeof News.CreateNews
    draft: true
    response: typeof News.NewsItem
  }>('POST', '/councils/:councilId/news'),
  updateNews: endpoint<{
    params: typeof News.NewsIdParams
    body: typeof News.UpdateNews
    response: typeof News.NewsItem
  }>('PATCH', '/news/:id'),
  deleteNews: endpoint<{ params: typeof News.NewsIdParams }>('DELETE', '/news/:id'),
  uploadNewsCover: endpoint<{ params: typeof News.NewsIdParams; form: true; response: typeof News.NewsItem }>(
    'POST',
    '/news/:id/cover',
  ),

  // ---- videos ----
  listVideos: endpoint<{ query: typeof Videos.PublicVideoListQuery; response: typeof Videos.VideoPage }>(
    'GET',
    '/videos',
  ),
  listCouncilVideos: endpoint<{
    params: typeof Videos.CouncilVideoParams
    query: typeof Videos.CouncilVideoListQuery
    response: typeof Videos.VideoPage
  }>('GET', '/councils/:councilId/videos'),
  listModerationVideos: endpoint<{ query: typeof Videos.ModerationListQuery; response: typeof Videos.VideoPage }>(
    'GET',
    '/moderation/videos',
  ),
  getVideo: endpoint<{ params: Id; response: typeof Videos.VideoDetails }>('GET', '/videos/:id'),
  approveVideo: endpoint<{ params: Id; body: typeof Videos.ApproveBody; response: typeof Videos.VideoDetails }>(
    'POST',
    '/videos/:id/approve',
  ),
  rejectVideo: endpoint<{ params: Id; body: typeof Videos.ReasonBody; response: typeof Videos.VideoDetails }>(
    'POST',
    '/videos/:id/reject',
  ),
  unpublishVideo: endpoint<{ params: Id; body: typeof Videos.ReasonBody; response: typeof Videos.VideoDetails }>(
    'POST',
    '/videos/:id/unpublish',
  ),
  deleteVideo: endpoint<{ params: Id }>('DELETE', '/videos/:id'),

  // ---- appeals ----
  createAppeal: endpoint<{
    body: typeof Appeals.CreateAppealBody
    draft: true
    response: typeof Appeals.CreateAppealResponse
  }>('POST', '/appeals'),
  createAppealWithFiles: endpoint<{
    body: typeof Appeals.CreateAppealMultipart
    form: true
    response: typeof Appeals.CreateAppealResponse
  }>('POST', '/appeals'),
  confirmAppeal: endpoint<{ body: typeof Appeals.ConfirmAppealBody; response: typeof Appeals.ConfirmAppealResponse }>(
    'POST',
    '/appeals/confirm',
  ),
  trackAppeal: endpoint<{ query: typeof Appeals.TrackQuery; response: typeof Appeals.AppealView }>(
    'GET',
    '/appeals/track',
  ),
  listMyAppeals: endpoint<{ query: typeof Appeals.MineQuery; response: typeof Appeals.AppealPage }>(
    'GET',
    '/appeals/mine',
  ),
  listPublicAppeals: endpoint<{ query: typeof Appeals.PublicQuery; response: typeof Appeals.PublicPage }>(
    'GET',
    '/appeals/public',
  ),
  listCouncilAppeals: endpoint<{
    params: typeof Appeals.CouncilAppealsParams
    query: typeof Appeals.CouncilAppealsQuery
    response: typeof Appeals.AppealPage
  }>('GET', '/councils/:councilId/appeals'),
  getAppeal: endpoint<{
    params: typeof Appeals.AppealParams
    query: typeof Appeals.CodeQuery
    response: typeof Appeals.AppealView
  }>('GET', '/appeals/:id'),
  replyToAppeal: endpoint<{
    params: typeof Appeals.AppealParams
    query: typeof Appeals.CodeQuery
    body: typeof Appeals.ReplyBody
    response: typeof Appeals.ReplyResponse
  }>('POST', '/appeals/:id/replies'),
  setAppealStatus: endpoint<{
    params: typeof Appeals.AppealParams
    body: typeof Appeals.StatusBody
    response: typeof Appeals.AppealView
  }>('PATCH', '/appeals/:id/status'),
  extendAppeal: endpoint<{
    params: typeof Appeals.AppealParams
    body: typeof Appeals.ExtendBody
    response: typeof Appeals.AppealView
  }>('POST', '/appeals/:id/extend'),
  rateAppeal: endpoint<{
    params: typeof Appeals.AppealParams
    query: typeof Appeals.CodeQuery
    body: typeof Appeals.RatingBody
  }>('POST', '/appeals/:id/rating'),

  // ---- chat (REST side; the socket events are typed in shared/socket-events.ts) ----
  listRooms: endpoint<{ query: typeof Chat.RoomListQuery; response: typeof Chat.ChatRoomPage }>('GET', '/chat/rooms'),
  createRoom: endpoint<{ body: typeof Chat.CreateRoomBody; response: typeof Chat.ChatRoomResponse }>(
    'POST',
    '/chat/rooms',
  ),
  addRoomCouncils: endpoint<{ params: Id; body: typeof Chat.AddCouncilsBody; response: typeof Chat.ChatRoomResponse }>(
    'POST',
    '/chat/rooms/:id/councils',
  ),
  listMessages: endpoint<{ params: Id; query: typeof Chat.HistoryQuery; response: typeof Chat.ChatMessagePage }>(
    'GET',
    '/chat/rooms/:id/messages',
  ),

  // ---- events ----
  listEvents: endpoint<{ query: typeof Events.EventListQuery; response: typeof Events.EventPage }>('GET', '/events'),
  myEvents: endpoint<{ query: typeof Events.MineQuery; response: typeof Events.MyRegistrationPage }>(
    'GET',
    '/events/mine',
  ),
  getEvent: endpoint<{ params: typeof Events.EventRefParams; response: typeof Events.EventView }>('GET', '/events/:id'),
  createEvent: endpoint<{ body: typeof Events.CreateEventBody; draft: true; response: typeof Events.EventView }>(
    'POST',
    '/events',
  ),
  updateEvent: endpoint<{
    params: typeof Events.EventIdParams
    body: typeof Events.UpdateEventBody
    draft: true
    response: typeof Events.EventView
  }>('PATCH', '/events/:id'),
  registerForEvent: endpoint<{ params: typeof Events.EventIdParams; response: typeof Events.RegistrationResult }>(
    'POST',
    '/events/:id/registrations',
  ),
  cancelMyRegistration: endpoint<{ params: typeof Events.EventIdParams }>('DELETE', '/events/:id/registrations/mine'),
  eventRegistrations: endpoint<{
    params: typeof Events.EventIdParams
    query: typeof Events.RegistrationListQuery
    response: typeof Events.RegistrationPage
  }>('GET', '/events/:id/registrations'),
  checkIn: endpoint<{
    params: typeof Events.EventIdParams
    body: typeof Events.CheckInBody
    response: typeof Events.CheckInResult
  }>('POST', '/events/:id/check-in'),
  setEventOutcome: endpoint<{
    params: typeof Events.EventIdParams
    body: typeof Events.OutcomeBody
    draft: true
    response: typeof Events.EventView
  }>('PUT', '/events/:id/outcome'),
  addEventMaterial: endpoint<{ params: typeof Events.EventIdParams; form: true; response: typeof Events.EventView }>(
    'POST',
    '/events/:id/materials',
  ),
  openEventChatRoom: endpoint<{ params: typeof Events.EventIdParams; response: typeof Events.ChatRoomResult }>(
    'POST',
    '/events/:id/chat-room',
  ),
} as const

export type Endpoints = typeof endpoints
export type { PageOf }
/** The query a list endpoint takes, as pages pass it (`QueryOf<'listNews'>`). */
export type QueryOf<K extends keyof Endpoints> = NonNullable<
  Parameters<Endpoints[K]>[0] extends { query?: infer Q } ? Q : never
>
/** The JSON body an endpoint takes. */
export type BodyOf<K extends keyof Endpoints> = Parameters<Endpoints[K]>[0] extends { body: infer B } ? B : never
/** What an endpoint answers. */
export type ResponseOf<K extends keyof Endpoints> = Awaited<ReturnType<Endpoints[K]>>
