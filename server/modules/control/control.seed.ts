export async function seedControl(): Promise<void> {}
