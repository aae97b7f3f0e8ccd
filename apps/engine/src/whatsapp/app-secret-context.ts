/** The authenticated context a number's app secret is sealed under, so a sealed value cannot be moved to another row. */
export function appSecretContext(numberId: string): string {
  return `whatsapp_number:${numberId}:app_secret`;
}
