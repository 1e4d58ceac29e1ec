export async function seedGrants(): Promise<void> {}
