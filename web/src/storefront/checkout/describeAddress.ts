import { addressLine } from "../account/addressLine";
import type { Address } from "../account/account";
import type { CheckoutState } from "./checkoutState";

/** Where the order goes, in words, for the review step and the step summaries. */
export function describeAddress(state: CheckoutState, addresses: Address[] | undefined): string {
  if (state.address.kind === "saved") {
    const addressId = state.address.addressId;
    const saved = addresses?.find((a) => a.id === addressId);
    return saved ? addressLine(saved) : "A saved address";
  }
  return addressLine(state.draft);
}
