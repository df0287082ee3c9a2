/** The API Token TTL choices, with the product docs' advice beside each. */
export const TTL_OPTIONS = [
  { value: '7', label: '7 days', advice: 'Short-lived testing/integration' },
  { value: '30', label: '30 days', advice: 'Regular rotation' },
  { value: '90', label: '90 days', advice: 'Recommended for production services' },
  { value: '365', label: '365 days', advice: 'Long-lived; rotate yearly' },
  {
    value: '-1',
    label: 'Never',
    advice: 'Use cautiously: tokens that never expire show up in Account Hygiene',
  },
] as const;
