import { SelectField, TextField } from "../../shared/ui/Field";
import type { AddressDraft } from "../checkout/checkoutState";

const COUNTRIES: [string, string][] = [
  ["US", "United States"],
  ["CA", "Canada"],
  ["GB", "United Kingdom"],
  ["IE", "Ireland"],
  ["DE", "Germany"],
  ["FR", "France"],
  ["ES", "Spain"],
  ["IT", "Italy"],
  ["NL", "Netherlands"],
  ["AU", "Australia"],
  ["NZ", "New Zealand"],
  ["MX", "Mexico"],
];

/**
 * The fields of a postal address, with the API's message next to each. `errors` is keyed by the
 * JSON name (`postalCode`), already stripped of any prefix such as `shippingAddress.`.
 */
export function AddressFields({
  value,
  onChange,
  errors = {},
  phoneRequired = false,
}: {
  value: AddressDraft;
  onChange: (field: keyof AddressDraft, value: string) => void;
  errors?: Record<string, string>;
  phoneRequired?: boolean;
}) {
  const field = (name: keyof AddressDraft) => ({
    value: value[name],
    error: errors[name],
    onChange: (event: { target: { value: string } }) => onChange(name, event.target.value),
  });
  const countries = COUNTRIES.some(([code]) => code === value.country)
    ? COUNTRIES
    : [...COUNTRIES, [value.country, value.country] as [string, string]];
  return (
    <div className="address-fields">
      <div className="form-row">
        <TextField label="First name" autoComplete="given-name" required {...field("firstName")} />
        <TextField label="Last name" autoComplete="family-name" required {...field("lastName")} />
      </div>
      <TextField label="Address" autoComplete="address-line1" required {...field("address1")} />
      <TextField
        label="Apartment, suite, etc. (optional)"
        autoComplete="address-line2"
        {...field("address2")}
      />
      <div className="form-row">
        <TextField label="City" autoComplete="address-level2" required {...field("city")} />
        <TextField
          label="State or region (optional)"
          autoComplete="address-level1"
          {...field("state")}
        />
      </div>
      <div className="form-row">
        <TextField label="Postal code" autoComplete="postal-code" required {...field("postalCode")} />
        <SelectField label="Country" autoComplete="country" required {...field("country")}>
          {countries.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField
        label={phoneRequired ? "Phone (for the courier)" : "Phone (optional)"}
        type="tel"
        autoComplete="tel"
        required={phoneRequired}
        {...field("phone")}
      />
    </div>
  );
}

/** Field errors under `prefix.` (e.g. "shippingAddress."), keyed by the field's own name. */
export function fieldsUnder(fields: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields)) {
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = message;
  }
  return out;
}
