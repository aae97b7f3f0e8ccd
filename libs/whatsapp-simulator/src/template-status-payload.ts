import type { RegisteredTemplate } from './template-registry';
import type { WebhookChange } from './webhook-change';

/**
 * The `message_template_status_update` change for a template's new status
 * (Meta sends the template id as a number and `reason` "NONE" when there is none).
 */
export function templateStatusChange(template: RegisteredTemplate, at: Date): WebhookChange {
  const seconds = Math.floor(at.getTime() / 1000);
  return {
    wabaId: template.wabaId,
    field: 'message_template_status_update',
    value: {
      event: template.status,
      message_template_id: Number(template.id),
      message_template_name: template.name,
      message_template_language: template.language,
      reason: template.reason ?? 'NONE',
      message_template_category: template.category,
      ...(template.status === 'DISABLED' ? { disable_info: { disable_date: seconds } } : {}),
      ...(template.status === 'PAUSED'
        ? { other_info: { title: 'FIRST_PAUSE', description: 'Your WhatsApp message template has been paused because of low quality.' } }
        : {}),
    },
  };
}
