import {
  isRecord,
  optionalRecord,
  optionalText,
  OutboundFieldProblem,
  requireArray,
  requireMediaSource,
  requireRecord,
  requireText,
} from './outbound-field-problem';

const HEADER_MEDIA = new Set(['image', 'video', 'document']);

function validateHeader(interactive: Record<string, unknown>, path: string, textOnly: boolean): void {
  const header = optionalRecord(interactive, 'header', path);
  if (header === null) return;
  const headerPath = `${path}.header`;
  const type = requireText(header, 'type', headerPath, { max: Number.POSITIVE_INFINITY });
  if (type === 'text') {
    requireText(header, 'text', headerPath, { max: 60 });
    return;
  }
  if (textOnly || !HEADER_MEDIA.has(type)) {
    throw new OutboundFieldProblem(`${headerPath}.type`, textOnly ? 'must be text for a list message' : `unknown header type ${type}`);
  }
  requireMediaSource(requireRecord(header, type, headerPath), `${headerPath}.${type}`);
}

function validateFooter(interactive: Record<string, unknown>, path: string): void {
  const footer = optionalRecord(interactive, 'footer', path);
  if (footer !== null) requireText(footer, 'text', `${path}.footer`, { max: 60 });
}

/** Reply buttons: 1–3, titles ≤ 20 and ids ≤ 256, each unique in the message. */
function validateButtons(action: Record<string, unknown>, path: string): void {
  const buttons = requireArray(action, 'buttons', path, { min: 1, max: 3 });
  const titles = new Set<string>();
  const ids = new Set<string>();
  buttons.forEach((button, index) => {
    const buttonPath = `${path}.buttons[${index}]`;
    if (!isRecord(button)) throw new OutboundFieldProblem(buttonPath, 'must be an object');
    if (button['type'] !== 'reply') throw new OutboundFieldProblem(`${buttonPath}.type`, 'must be "reply"');
    const reply = requireRecord(button, 'reply', buttonPath);
    const id = requireText(reply, 'id', `${buttonPath}.reply`, { max: 256 });
    const title = requireText(reply, 'title', `${buttonPath}.reply`, { max: 20 });
    if (ids.has(id)) throw new OutboundFieldProblem(`${buttonPath}.reply.id`, `repeats the id ${id}`);
    if (titles.has(title)) throw new OutboundFieldProblem(`${buttonPath}.reply.title`, `repeats the title ${title}`);
    ids.add(id);
    titles.add(title);
  });
}

/** List: button text ≤ 20, ≤ 10 sections, ≤ 10 rows in all, titles required when several sections. */
function validateSections(action: Record<string, unknown>, path: string): void {
  requireText(action, 'button', path, { max: 20 });
  const sections = requireArray(action, 'sections', path, { min: 1, max: 10 });
  const ids = new Set<string>();
  let rowCount = 0;
  sections.forEach((section, sectionIndex) => {
    const sectionPath = `${path}.sections[${sectionIndex}]`;
    if (!isRecord(section)) throw new OutboundFieldProblem(sectionPath, 'must be an object');
    if (sections.length > 1) requireText(section, 'title', sectionPath, { max: 24 });
    else optionalText(section, 'title', sectionPath, { max: 24 });
    const rows = requireArray(section, 'rows', sectionPath, { min: 1, max: 10 });
    rows.forEach((row, rowIndex) => {
      const rowPath = `${sectionPath}.rows[${rowIndex}]`;
      rowCount++;
      if (rowCount > 10) throw new OutboundFieldProblem(rowPath, 'a list takes at most 10 rows across all sections');
      if (!isRecord(row)) throw new OutboundFieldProblem(rowPath, 'must be an object');
      const id = requireText(row, 'id', rowPath, { max: 200 });
      requireText(row, 'title', rowPath, { max: 24 });
      optionalText(row, 'description', rowPath, { max: 72 });
      if (ids.has(id)) throw new OutboundFieldProblem(`${rowPath}.id`, `repeats the id ${id}`);
      ids.add(id);
    });
  });
}

/** `interactive` messages: reply buttons and lists fully; other kinds (cta_url, flow, products...) by their common parts. */
export function validateInteractive(interactive: Record<string, unknown>, path: string): void {
  const type = requireText(interactive, 'type', path, { max: Number.POSITIVE_INFINITY });
  validateHeader(interactive, path, type === 'list');
  validateFooter(interactive, path);
  if (type === 'button' || type === 'list') {
    // Meta: body ≤ 1,024 characters for reply buttons, ≤ 4,096 for lists.
    requireText(requireRecord(interactive, 'body', path), 'text', `${path}.body`, { max: type === 'button' ? 1024 : 4096 });
    const action = requireRecord(interactive, 'action', path);
    if (type === 'button') validateButtons(action, `${path}.action`);
    else validateSections(action, `${path}.action`);
    return;
  }
  const body = optionalRecord(interactive, 'body', path);
  if (body !== null) requireText(body, 'text', `${path}.body`, { max: 1024 });
}
