import { isRecord, OutboundFieldProblem, requireArray, requireMediaSource, requireRecord, requireText } from './outbound-field-problem';

const PARAMETER_NAME = /^[a-z_]{1,20}$/;
const MEDIA_PARAMETERS = new Set(['image', 'video', 'document']);

interface NamingState {
  /** Whether the first header/body parameter was named; null until one is seen. */
  named: boolean | null;
}

function validateParameter(parameter: unknown, path: string, componentType: string, bodyLimit: number | null, naming: NamingState): void {
  if (!isRecord(parameter)) throw new OutboundFieldProblem(path, 'must be an object');
  const type = requireText(parameter, 'type', path, { max: Number.POSITIVE_INFINITY });
  // Only header and body parameters fill {{placeholders}}; button parameters are never named.
  if (componentType === 'header' || componentType === 'body') {
    const name = parameter['parameter_name'];
    if (name !== undefined && (typeof name !== 'string' || !PARAMETER_NAME.test(name))) {
      throw new OutboundFieldProblem(`${path}.parameter_name`, 'must be 1–20 lower-case letters or underscores');
    }
    if (componentType === 'body' || type === 'text') {
      const named = name !== undefined;
      if (naming.named === null) naming.named = named;
      else if (naming.named !== named) {
        throw new OutboundFieldProblem(`${path}.parameter_name`, 'named and positional parameters cannot be mixed in one template');
      }
    }
  }
  switch (type) {
    case 'text': {
      const max = componentType === 'header' ? 60 : componentType === 'body' && bodyLimit !== null ? bodyLimit : Number.POSITIVE_INFINITY;
      requireText(parameter, 'text', path, { max });
      return;
    }
    case 'currency': {
      const currency = requireRecord(parameter, 'currency', path);
      requireText(currency, 'fallback_value', `${path}.currency`, { max: Number.POSITIVE_INFINITY });
      requireText(currency, 'code', `${path}.currency`, { min: 3, max: 3 });
      if (!Number.isInteger(currency['amount_1000']))
        throw new OutboundFieldProblem(`${path}.currency.amount_1000`, 'must be an integer (amount × 1000)');
      return;
    }
    case 'date_time':
      requireText(requireRecord(parameter, 'date_time', path), 'fallback_value', `${path}.date_time`, { max: Number.POSITIVE_INFINITY });
      return;
    case 'location': {
      const location = requireRecord(parameter, 'location', path);
      for (const key of ['latitude', 'longitude']) {
        if (typeof location[key] !== 'number') throw new OutboundFieldProblem(`${path}.location.${key}`, 'must be a number');
      }
      return;
    }
    case 'payload':
      requireText(parameter, 'payload', path, { max: Number.POSITIVE_INFINITY });
      return;
    case 'coupon_code':
      requireText(parameter, 'coupon_code', path, { max: Number.POSITIVE_INFINITY });
      return;
    case 'action':
      requireRecord(parameter, 'action', path);
      return;
    default:
      if (MEDIA_PARAMETERS.has(type)) requireMediaSource(requireRecord(parameter, type, path), `${path}.${type}`);
  }
}

/**
 * `template` messages: name and language, and parameters that Meta would
 * refuse (named ones lower-case and ≤ 20 characters, never mixed with
 * positional ones, header text ≤ 60, body text ≤ 1,024 when the message has
 * other components). Whether the counts match the template is the caller's
 * check against the synced registry.
 */
export function validateTemplate(template: Record<string, unknown>, path: string): void {
  requireText(template, 'name', path, { max: 512 });
  requireText(requireRecord(template, 'language', path), 'code', `${path}.language`, { max: Number.POSITIVE_INFINITY });
  if (template['components'] === undefined) return;
  const components = requireArray(template, 'components', path, { min: 0, max: Number.POSITIVE_INFINITY });
  const bodyLimit = components.length > 1 ? 1024 : null;
  const naming: NamingState = { named: null };
  components.forEach((component, index) => {
    const componentPath = `${path}.components[${index}]`;
    if (!isRecord(component)) throw new OutboundFieldProblem(componentPath, 'must be an object');
    const type = requireText(component, 'type', componentPath, { max: Number.POSITIVE_INFINITY });
    if (type === 'button') {
      requireText(component, 'sub_type', componentPath, { max: Number.POSITIVE_INFINITY });
      const buttonIndex = component['index'];
      const indexText = typeof buttonIndex === 'number' ? String(buttonIndex) : buttonIndex;
      if (typeof indexText !== 'string' || !/^\d{1,2}$/.test(indexText))
        throw new OutboundFieldProblem(`${componentPath}.index`, 'must be the button position (0, 1, ...)');
    }
    if (component['parameters'] === undefined) return;
    const parameters = requireArray(component, 'parameters', componentPath, { min: 0, max: Number.POSITIVE_INFINITY });
    parameters.forEach((parameter, parameterIndex) =>
      validateParameter(parameter, `${componentPath}.parameters[${parameterIndex}]`, type, bodyLimit, naming),
    );
  });
}
