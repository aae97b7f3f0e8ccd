/** What a local simulator answered: its status, and its body parsed as JSON (the raw text when it is not JSON; null when empty). */
export interface SimulatorAnswer {
  status: number;
  body: unknown;
}

/** A call to a local simulator (CRM or WhatsApp), to its documented API or to its own `/sim` control routes. */
export async function callSimulator(baseUrl: string, method: string, path: string, body?: unknown): Promise<SimulatorAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? parsedOrText(text) : null };
}

function parsedOrText(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch {
    return text;
  }
}
