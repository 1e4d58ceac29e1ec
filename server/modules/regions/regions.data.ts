/**
 * The 17 oblasts and 3 cities of republican significance with their ISO 3166-2:KZ codes (the
 * numeric codes of ISO's November 2022 update, which added Abai, Jetisu and Ulytau). Russian
 * names of the 2022 oblasts follow their official form ("область Абай").
 */
export const REGIONS = [
  { code: 'KZ-71', kind: 'city', name: { kk: 'Астана', ru: 'Астана' } },
  { code: 'KZ-75', kind: 'city', name: { kk: 'Алматы', ru: 'Алматы' } },
  { code: 'KZ-79', kind: 'city', name: { kk: 'Шымкент', ru: 'Шымкент' } },
  { code: 'KZ-10', kind: 'oblast', name: { kk: 'Абай облысы', ru: 'область Абай' } },
  { code: 'KZ-11', kind: 'oblast', name: { kk: 'Ақмола облысы', ru: 'Акмолинская область' } },
  { code: 'KZ-15', kind: 'oblast', name: { kk: 'Ақтөбе облысы', ru: 'Актюбинская область' } },
  { code: 'KZ-19', kind: 'oblast', name: { kk: 'Алматы облысы', ru: 'Алматинская область' } },
  { code: 'KZ-23', kind: 'oblast', name: { kk: 'Атырау облысы', ru: 'Атырауская область' } },
  { code: 'KZ-27', kind: 'oblast', name: { kk: 'Батыс Қазақстан облысы', ru: 'Западно-Казахстанская область' } },
  { code: 'KZ-31', kind: 'oblast', name: { kk: 'Жамбыл облысы', ru: 'Жамбылская область' } },
  { code: 'KZ-33', kind: 'oblast', name: { kk: 'Жетісу облысы', ru: 'область Жетісу' } },
  { code: 'KZ-35', kind: 'oblast', name: { kk: 'Қарағанды облысы', ru: 'Карагандинская область' } },
  { code: 'KZ-39', kind: 'oblast', name: { kk: 'Қостанай облысы', ru: 'Костанайская область' } },
  { code: 'KZ-43', kind: 'oblast', name: { kk: 'Қызылорда облысы', ru: 'Кызылординская область' } },
  { code: 'KZ-47', kind: 'oblast', name: { kk: 'Маңғыстау облысы', ru: 'Мангистауская область' } },
  { code: 'KZ-55', kind: 'oblast', name: { kk: 'Павлодар облысы', ru: 'Павлодарская область' } },
  { code: 'KZ-59', kind: 'oblast', name: { kk: 'Солтүстік Қазақстан облысы', ru: 'Северо-Казахстанская область' } },
  { code: 'KZ-61', kind: 'oblast', name: { kk: 'Түркістан облысы', ru: 'Туркестанская область' } },
  { code: 'KZ-62', kind: 'oblast', name: { kk: 'Ұлытау облысы', ru: 'область Ұлытау' } },
  { code: 'KZ-63', kind: 'oblast', name: { kk: 'Шығыс Қазақстан облысы', ru: 'Восточно-Казахстанская область' } },
] as const satisfies readonly { code: string; kind: 'oblast' | 'city'; name: { kk: string; ru: string } }[]
