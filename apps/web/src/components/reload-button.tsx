'use client';

export function ReloadButton() {
  return (
    <button
      type="button"
      className="button button-secondary button-small"
      onClick={() => {
        window.location.reload();
      }}
    >
      Try again
    </button>
  );
}
