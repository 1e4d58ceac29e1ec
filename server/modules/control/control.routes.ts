import { Router } from 'express'
import { IdParams } from '../../../shared/schemas/common.js'
import {
  CreateRecommendationBody,
  RecommendationListQuery,
  RecommendationPage,
  RecommendationView,
  Scorecard,
  ScorecardQuery,
  UpdateRecommendationBody,
} from '../../../shared/schemas/control.js'
import { route } from '../../core/route.js'
import * as control from './control.service.js'

export const controlRouter = Router()
const tags = ['control']

route(
  controlRouter,
  {
    method: 'post',
    path: '/control/recommendations',
    auth: 'user',
    tags,
    summary: 'Record a recommendation the council sent to a state body (its council members)',
    description:
      '`dueAt` = `sentAt` + `RECOMMENDATION_DUE_WORKING_DAYS` (default 15) working days of the Kazakhstan calendar, end of that day in Almaty. ' +
      '`awardId` must be an award of the same council (400 `control.unknown_award`); `eventId` is kept as given. The council is e-mailed once when the answer is overdue.',
    body: CreateRecommendationBody,
    response: RecommendationView,
    status: 201,
    errors: [400, 401, 403],
  },
  ({ actor, body }) => control.createRecommendation(actor, body),
)

route(
  controlRouter,
  {
    method: 'patch',
    path: '/control/recommendations/{id}',
    auth: 'user',
    tags,
    summary:
      'Record the state body’s answer (`sent` → `answered`) or the implementation (its council members, moderators)',
    description:
      'Exactly one of `response` or `implementation` (+ `note`). Answered once (409 `control.invalid_transition`); implementation only once answered: ' +
      '`in_progress` → `implemented`|`not_implemented`, `not_implemented` → `in_progress`|`implemented`, `implemented` is final. Stale `version` → 409 `conflict`.',
    params: IdParams,
    body: UpdateRecommendationBody,
    response: RecommendationView,
    errors: [400, 401, 403, 404, 409],
  },
  ({ actor, params, body }) => control.updateRecommendation(actor, params.id, body),
)

route(
  controlRouter,
  {
    method: 'get',
    path: '/control/recommendations',
    auth: 'public',
    tags,
    summary: 'Recommendations with their status, newest sent first',
    description:
      '`overdue=true`: unanswered past `dueAt`, or answered after it. Extensions: `awardId`, `year`, `regionId` (the council’s region).',
    query: RecommendationListQuery,
    response: RecommendationPage,
  },
  ({ query }) => control.listRecommendations(query),
)

route(
  controlRouter,
  {
    method: 'get',
    path: '/control/scorecard',
    auth: 'public',
    tags,
    summary: 'Scorecard of state bodies for a year (`?regionId=`; `?format=csv` in the request language)',
    description:
      'Rows grouped by the state body’s name (Russian name, else Kazakh, case and spacing folded), most recommendations first. `overdue` is the part of `unanswered` past its due date.',
    query: ScorecardQuery,
    response: Scorecard,
    alsoAs: ['text/csv'],
  },
  async ({ query, req, res }) => {
    const card = await control.scorecard(query)
    if (query.format !== 'csv') return card
    res.setHeader('Content-Type', 'text/csv; charset=utf-8')
    res.setHeader('Content-Disposition', `attachment; filename="scorecard-${card.year}.csv"`)
    res.send(control.scorecardCsv(card, req.lng))
  },
)
