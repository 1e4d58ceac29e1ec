export async function seedDemoEvents(): Promise<{ events: number }> {
  return { events: 0 }
}
