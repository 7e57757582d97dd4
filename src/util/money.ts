// How an amount in US dollars is written to the user: "$4.12". Pure.
export function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
