import type { FlowTemplate } from './flow-template';
import { highIntentTemplate } from './templates/01-high-intent';
import { potentialCustomerTemplate } from './templates/02-potential-customer';
import { inactiveTemplate } from './templates/03-inactive';
import { noOrderAfterInterestTemplate } from './templates/04-no-order-after-interest';
import { orderStatusTemplate } from './templates/05-order-status';
import { priceObjectionTemplate } from './templates/06-price-objection';
import { storeVisitTemplate } from './templates/07-store-visit';
import { unreadTemplate } from './templates/08-unread';
import { autoTaggingTemplate } from './templates/09-auto-tagging';
import { quizTemplate } from './templates/10-quiz';
import { humanTakeoverTemplate } from './templates/11-human-takeover';
import { faqTemplate } from './templates/12-faq';
import { churnRiskTemplate } from './templates/13-churn-risk';
import { nightlyBatchTemplate } from './templates/14-nightly-batch';
import { leadSourceTemplate } from './templates/15-lead-source';
import { sendRetriesTemplate } from './templates/16-send-retries';
import { promotionsTemplate } from './templates/17-promotions';

export type { FlowTemplate } from './flow-template';
export { buildFlow } from './flow-template';

/** The 17 flows of the product brief, in its order. */
export const FLOW_TEMPLATES: readonly FlowTemplate[] = [
  highIntentTemplate,
  potentialCustomerTemplate,
  inactiveTemplate,
  noOrderAfterInterestTemplate,
  orderStatusTemplate,
  priceObjectionTemplate,
  storeVisitTemplate,
  unreadTemplate,
  autoTaggingTemplate,
  quizTemplate,
  humanTakeoverTemplate,
  faqTemplate,
  churnRiskTemplate,
  nightlyBatchTemplate,
  leadSourceTemplate,
  sendRetriesTemplate,
  promotionsTemplate,
];

export function flowTemplate(id: string): FlowTemplate | undefined {
  return FLOW_TEMPLATES.find((t) => t.id === id);
}
