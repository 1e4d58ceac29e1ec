/**
 * Response shapes, taken from the repo's shared zod schemas as types only (`import type`, so no
 * zod in the bundle): a change of the contract is a compile error here.
 */
import type { z } from 'zod'
import type * as Councils from '../../../shared/schemas/councils.js'
import type * as News from '../../../shared/schemas/news.js'
import type * as Videos from '../../../shared/schemas/videos.js'
import type * as Appeals from '../../../shared/schemas/appeals.js'
export type { PublicUser as User, AdminUser } from '../../../shared/schemas/users.js'
export type { Region } from '../../../shared/schemas/regions.js'
export type { ChatMessage, ChatAttachment } from '../../../shared/schemas/chat.js'
export type { AccessibilityPrefs } from '../../../shared/schemas/auth.js'
export type { Role } from '../../../shared/permissions.js'
export type { LocalizedText, Lang, Page } from '../../../shared/schemas/common.js'
export type { CouncilLevel } from '../../../shared/schemas/councils.js'
export type { NewsStatus } from '../../../shared/schemas/news.js'
export type { VideoStatus } from '../../../shared/schemas/videos.js'
export type { AppealCategory, AppealStatus } from '../../../shared/schemas/appeals.js'

export type CouncilSummary = z.infer<typeof Councils.CouncilListItem>
export type CouncilProfile = z.infer<typeof Councils.CouncilProfile>
export type CouncilMember = CouncilProfile['members'][number]
export type NewsItem = z.infer<typeof News.NewsListItem> & { status?: News.NewsStatus }
export type NewsArticle = z.infer<typeof News.NewsItem>
export type CouncilNewsItem = z.infer<typeof News.CouncilNewsListItem>
export type Video = z.infer<typeof Videos.VideoSummary> &
  Partial<Pick<z.infer<typeof Videos.VideoDetails>, 'moderation' | 'sourceUrl' | 'failure' | 'renditions'>>
export type Appeal = z.infer<typeof Appeals.AppealView>
export type AppealListItem = z.infer<typeof Appeals.AppealListItem>
export type AppealReply = Appeal['replies'][number]
export type PublicQa = z.infer<typeof Appeals.PublicAppeal>
export type AppealCreated = z.infer<typeof Appeals.CreateAppealResponse>

export type { ChatRoom, ChatRoomCouncil } from '../../../shared/schemas/chat.js'
