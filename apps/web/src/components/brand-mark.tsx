interface BrandMarkProps {
  size?: number;
}

/** The Parley logo: a tiny trigger → action flow on a speech-bubble green. Decorative. */
export function BrandMark({ size = 28 }: BrandMarkProps) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="9" fill="#0f766e" />
      <path d="M11 10.5h7.5a3.5 3.5 0 0 1 0 7H14a3.5 3.5 0 0 0 0 7h7" fill="none" stroke="#a7f3d0" strokeWidth="2" strokeLinecap="round" />
      <circle cx="10" cy="10.5" r="3" fill="#ffffff" />
      <circle cx="22" cy="24.5" r="3" fill="#ffffff" />
    </svg>
  );
}
