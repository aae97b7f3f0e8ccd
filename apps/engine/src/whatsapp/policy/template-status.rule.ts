import type { PolicyRuleCheck } from './policy-rule';
import { HOUR_MS } from './policy-rule';
import { block, defer } from './policy-verdict';

/** How long a send waits before looking again at a template Meta paused for low quality. */
const PAUSED_RECHECK_MS = HOUR_MS;

/**
 * A template must exist in the registry (once it was synced), be approved,
 * and get the number of parameters it declares. A paused template holds its
 * sends; a disabled or rejected one stops them.
 */
export const templateStatusRule: PolicyRuleCheck = (send, facts) => {
  if (send.kind !== 'template' || facts.template === null || facts.template === 'not_synced') return null;
  const name = `${send.templateName ?? ''} (${send.templateLanguage ?? ''})`;
  if (facts.template === 'unknown') {
    return block('template_status', `No template ${name} in this WhatsApp account; sync the templates or fix the name and language.`, {
      template: name,
    });
  }
  const { status, parameters } = facts.template;
  if (status === 'PAUSED') {
    return defer(
      'template_status',
      new Date(facts.now.getTime() + PAUSED_RECHECK_MS),
      `Template ${name} is paused by WhatsApp for low quality; its sends wait until it is active again.`,
      {
        template: name,
        status,
      },
    );
  }
  if (status !== 'APPROVED') {
    return block('template_status', `Template ${name} is ${status.toLowerCase()}, not approved; nothing is sent with it.`, {
      template: name,
      status,
    });
  }
  const given = send.templateParameters;
  if (given && (given.body !== parameters.body || given.header !== parameters.header || given.buttons !== parameters.buttons)) {
    return block(
      'template_parameters',
      `Template ${name} takes ${parameters.body} body, ${parameters.header} header and ${parameters.buttons} button parameter(s); this send gives ${given.body}, ${given.header} and ${given.buttons}.`,
      { template: name, expected: parameters, given },
    );
  }
  return null;
};
