import { META_ERRORS, type MetaError } from './meta-errors';
import type { TemplateSend, TemplateSendComponent } from './send-request';
import { placeholders, type RegisteredTemplate, type TemplateRegistry } from './template-registry';

export type TemplateCheck = { ok: true; template: RegisteredTemplate | null } | { ok: false; error: MetaError };

function fail(base: MetaError, details: string): TemplateCheck {
  return { ok: false, error: { ...base, details } };
}

function componentOf(send: TemplateSend, type: TemplateSendComponent['type'], index?: number): TemplateSendComponent | undefined {
  return (send.components ?? []).find((c) => c.type === type && (index === undefined || Number(c.index) === index));
}

function countMismatch(part: string, given: number, expected: number): TemplateCheck {
  return fail(
    META_ERRORS.templateParams,
    `${part}: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
  );
}

/** Text parameters against the placeholders of one text (header or body), by count and, for named templates, by name. */
function checkText(
  part: string,
  template: RegisteredTemplate,
  expected: string[],
  component: TemplateSendComponent | undefined,
): TemplateCheck | null {
  const given = component?.parameters ?? [];
  if (given.length !== expected.length) return countMismatch(part, given.length, expected.length);
  if (template.parameterFormat === 'NAMED') {
    const names = given.map((p) => p.parameter_name);
    const missing = expected.filter((name) => !names.includes(name));
    if (missing.length > 0)
      return fail(META_ERRORS.templateParams, `${part}: parameter_name missing or unknown; expected ${expected.join(', ')}`);
  }
  return null;
}

/**
 * Meta's checks of a template send against the account's registry: exists in
 * that language and approved (132001), not paused (132015) or disabled
 * (132016), and the right parameters for header, body and buttons (132000,
 * 132012). An account with no templates registered accepts any template, so a
 * quick trial needs no setup.
 */
export function checkTemplateSend(registry: TemplateRegistry, wabaId: string, send: TemplateSend): TemplateCheck {
  if (!registry.hasAny(wabaId)) return { ok: true, template: null };
  const template = registry.find(wabaId, send.name, send.language.code);
  if (!template) return fail(META_ERRORS.templateMissing, `template name (${send.name}) does not exist in ${send.language.code}`);
  if (template.status === 'PAUSED') return fail(META_ERRORS.templatePaused, `Template ${send.name} (${send.language.code}) is paused.`);
  if (template.status === 'DISABLED')
    return fail(META_ERRORS.templateDisabled, `Template ${send.name} (${send.language.code}) is disabled.`);
  if (template.status !== 'APPROVED' && template.status !== 'REINSTATED' && template.status !== 'FLAGGED') {
    return fail(
      META_ERRORS.templateMissing,
      `template name (${send.name}) is not approved in ${send.language.code} (status ${template.status})`,
    );
  }
  const header = template.components.find((c) => c.type === 'HEADER');
  const headerGiven = componentOf(send, 'header');
  if (header && header.format !== undefined && header.format !== 'TEXT') {
    const parameter = headerGiven?.parameters ?? [];
    if (parameter.length !== 1) return countMismatch('header', parameter.length, 1);
    if (parameter[0]?.type !== header.format.toLowerCase())
      return fail(META_ERRORS.templateFormat, `header: expected a ${header.format.toLowerCase()} parameter`);
  } else {
    const result = checkText('header', template, placeholders(header?.text), headerGiven);
    if (result) return result;
  }
  const body = template.components.find((c) => c.type === 'BODY');
  const bodyResult = checkText('body', template, placeholders(body?.text), componentOf(send, 'body'));
  if (bodyResult) return bodyResult;

  const buttons = template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
  for (const given of (send.components ?? []).filter((c) => c.type === 'button')) {
    if (buttons[Number(given.index)] === undefined)
      return fail(META_ERRORS.templateParams, `button at index ${String(given.index)} does not exist in the template`);
  }
  for (const [index, button] of buttons.entries()) {
    const given = componentOf(send, 'button', index)?.parameters ?? [];
    // A URL with a variable and a copy-code button need their value; a quick reply's payload is optional.
    const expected = button.type === 'URL' ? placeholders(button.url).length : button.type === 'COPY_CODE' ? 1 : null;
    if (expected === null) {
      if (given.length > 1) return countMismatch(`button ${index}`, given.length, 1);
    } else if (given.length !== expected) {
      return countMismatch(`button ${index}`, given.length, expected);
    }
  }
  return { ok: true, template };
}
