import mongoose from 'mongoose'
import { listDemoCouncils } from '../councils/index.js'
import { Practice } from './practice.model.js'

/**
 * Demo practices (never real data: `demo: true`, texts start with "[Демо]"): one approved practice
 * for each of the first demo councils, for the current year. Upserts by council and title, so a
 * second run changes nothing.
 */
export async function seedDemoPractices(): Promise<{ practices: number }> {
  const councils = (await listDemoCouncils()).slice(0, 8)
  const year = new Date().getUTCFullYear()
  const systemUser = new mongoose.Types.ObjectId('000000000000000000000000')
  for (const c of councils) {
    const title = {
      kk: `[Демо] Ашық қабылдау күндері — ${c.name.kk ?? ''}`,
      ru: `[Демо] Дни открытого приёма — ${c.name.ru ?? ''}`,
    }
    await Practice.updateOne(
      { councilId: new mongoose.Types.ObjectId(c.id), 'title.ru': title.ru },
      {
        $setOnInsert: {
          regionId: c.regionId ? new mongoose.Types.ObjectId(c.regionId) : null,
          councilLevel: c.regionId ? 'oblast' : 'republican',
          year,
          title,
          summary: {
            kk: '[Демо] Кеңес мүшелері ай сайын азаматтарды қабылдап, өтініштерді мемлекеттік органға жеткізді.',
            ru: '[Демо] Члены совета ежемесячно принимали граждан и передавали обращения в госорган.',
          },
          status: 'approved',
          approvedAt: new Date(),
          proposedBy: systemUser,
          demo: true,
        },
      },
      { upsert: true },
    )
  }
  return { practices: councils.length }
}
