'use client';

/** Opens the browser's print dialog: the print stylesheet gives one clean page per report. */
export function PrintButton() {
  return (
    <button type="button" className="button button-secondary" onClick={() => window.print()}>
      Print
    </button>
  );
}
