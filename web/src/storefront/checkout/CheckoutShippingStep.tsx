import { useState, type Dispatch, type FormEvent } from "react";
import { Link } from "react-router";
import { ErrorMessage, Loading } from "../../shared/ui/Status";
import { AddressFields } from "../account/AddressFields";
import type { Address } from "../account/account";
import {
  missingAddressFields,
  shippingComplete,
  type CheckoutAction,
  type CheckoutState,
} from "./checkoutState";
import { addressLine } from "../account/addressLine";

/** Step 1: a saved address, or a new one typed here (kept if the page reloads). */
export function CheckoutShippingStep({
  state,
  dispatch,
  addresses,
  loading,
  error,
  onRetry,
  serverErrors,
}: {
  state: CheckoutState;
  dispatch: Dispatch<CheckoutAction>;
  addresses: Address[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  serverErrors: Record<string, string>;
}) {
  const [missing, setMissing] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (state.address.kind === "new") {
      const empty = missingAddressFields(state.draft, true);
      setMissing(empty);
      if (Object.keys(empty).length) return;
    }
    if (shippingComplete(state)) dispatch({ type: "shipping-done" });
  };
  const saved = addresses ?? [];
  const errors = { ...serverErrors, ...missing };
  return (
    <form onSubmit={submit} noValidate>
      {loading ? <Loading label="Loading your saved addresses…" /> : null}
      {error ? (
        <div className="stack">
          <p className="small muted">Your saved addresses could not be loaded; you can enter one below.</p>
          <ErrorMessage error={error} onRetry={onRetry} />
        </div>
      ) : null}
      {saved.length ? (
        <fieldset>
          <legend>Ship to</legend>
          {saved.map((address) => (
            <label key={address.id} className="choice">
              <input
                type="radio"
                name="ship-to"
                checked={state.address.kind === "saved" && state.address.addressId === address.id}
                onChange={() =>
                  dispatch({ type: "choose-address", address: { kind: "saved", addressId: address.id ?? "" } })
                }
              />
              <span>
                {addressLine(address)}
                {address.isDefault ? <span className="badge">Default</span> : null}
                {!address.phone ? (
                  <span className="small muted"> (no phone number: the courier needs one)</span>
                ) : null}
              </span>
            </label>
          ))}
          <label className="choice">
            <input
              type="radio"
              name="ship-to"
              checked={state.address.kind === "new"}
              onChange={() => dispatch({ type: "choose-address", address: { kind: "new" } })}
            />
            <span>A new address</span>
          </label>
        </fieldset>
      ) : null}
      {state.address.kind === "new" ? (
        <AddressFields
          value={state.draft}
          onChange={(field, value) => {
            setMissing((current) => {
              const { [field]: _gone, ...rest } = current;
              return rest;
            });
            dispatch({ type: "edit-address", field, value });
          }}
          errors={errors}
          phoneRequired
        />
      ) : (
        <p className="small muted">
          Manage saved addresses in your <Link to="/account/addresses">address book</Link>.
        </p>
      )}
      <button type="submit" className="button">
        Continue to payment
      </button>
    </form>
  );
}
