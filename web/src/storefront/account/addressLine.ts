/** An address on one line: "Ana Lee, 1 Main St, 12345 Springfield, US". */
export function addressLine(a: {
  firstName?: string;
  lastName?: string;
  address1?: string;
  address2?: string | null;
  city?: string;
  state?: string | null;
  postalCode?: string;
  country?: string;
}): string {
  return [
    `${a.firstName ?? ""} ${a.lastName ?? ""}`.trim(),
    a.address1,
    a.address2,
    [a.postalCode, a.city].filter(Boolean).join(" "),
    a.state,
    a.country,
  ]
    .filter(Boolean)
    .join(", ");
}
