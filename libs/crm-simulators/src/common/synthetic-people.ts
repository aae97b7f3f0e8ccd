const FIRST_NAMES = [
  'Anna',
  'Marco',
  'Giulia',
  'Piotr',
  'Zofia',
  'Lucía',
  'Mateo',
  'Sofia',
  'Jan',
  'Emma',
  'Luca',
  'Maja',
  'Hugo',
  'Chiara',
  'Tomasz',
  'Elena',
];
const LAST_NAMES = [
  'Rossi',
  'Kowalski',
  'García',
  'Bianchi',
  'Nowak',
  'Müller',
  'Ferrari',
  'Wiśniewska',
  'Martín',
  'Romano',
  'Lewandowski',
  'Colombo',
];

/** A made-up customer for seeding a simulated CRM with many records. */
export interface SyntheticPerson {
  firstName: string;
  lastName: string;
  email: string;
  /** E.164, in a range reserved for the simulators so it never reaches a real phone. */
  phone: string;
}

/**
 * The `index`-th synthetic person: the same index always gives the same person,
 * so a benchmark or a test can seed 100,000 contacts and know every answer.
 */
export function syntheticPerson(index: number, countryCode = '39'): SyntheticPerson {
  const firstName = FIRST_NAMES[index % FIRST_NAMES.length] ?? 'Anna';
  const lastName = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length] ?? 'Rossi';
  return {
    firstName,
    lastName,
    email: `customer${index}@example.com`,
    phone: `+${countryCode}3${String(index).padStart(9, '0')}`,
  };
}
