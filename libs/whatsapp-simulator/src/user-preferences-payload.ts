import type { SimulatedNumber } from './simulator-state';
import type { WebhookChange } from './webhook-change';

export type MarketingPreference = 'stop' | 'resume';

/** The `user_preferences` change Meta sends when a user stops or resumes marketing messages in WhatsApp. */
export function userPreferencesChange(input: {
  number: SimulatedNumber;
  waId: string;
  name: string;
  userId?: string;
  value: MarketingPreference;
  at: Date;
}): WebhookChange {
  return {
    wabaId: input.number.wabaId,
    field: 'user_preferences',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: input.number.displayPhoneNumber, phone_number_id: input.number.phoneNumberId },
      contacts: [{ profile: { name: input.name }, wa_id: input.waId, ...(input.userId ? { user_id: input.userId } : {}) }],
      user_preferences: [
        {
          wa_id: input.waId,
          ...(input.userId ? { user_id: input.userId } : {}),
          detail: input.value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages',
          category: 'marketing_messages',
          value: input.value,
          timestamp: Math.floor(input.at.getTime() / 1000),
        },
      ],
    },
  };
}
