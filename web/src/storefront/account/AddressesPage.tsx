import { useState, type FormEvent } from "react";
import { ApiError } from "../../shared/errors";
import { Empty, ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { EMPTY_ADDRESS, missingAddressFields, type AddressDraft } from "../checkout/checkoutState";
import { addressLine } from "./addressLine";
import { useAddresses, useDeleteAddress, useSaveAddress, type Address } from "./account";
import { AddressFields } from "./AddressFields";
import { friendlyMessage } from "./messages";

export function AddressesPage() {
  const addresses = useAddresses();
  const [editing, setEditing] = useState<Address | "new" | null>(null);
  return (
    <div className="stack">
      <div className="spread">
        <h1>Your addresses</h1>
        {editing === null ? (
          <button type="button" className="button" onClick={() => setEditing("new")}>
            Add an address
          </button>
        ) : null}
      </div>
      {editing !== null ? (
        <AddressEditor
          key={editing === "new" ? "new" : editing.id}
          address={editing === "new" ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
      <QueryState query={addresses} loading="Loading your addresses…">
        {(list) =>
          list.length ? (
            <ul className="address-list">
              {list.map((address) => (
                <AddressCard key={address.id} address={address} onEdit={() => setEditing(address)} />
              ))}
            </ul>
          ) : (
            <Empty title="No saved addresses yet">
              <p>Save an address to check out faster.</p>
            </Empty>
          )
        }
      </QueryState>
    </div>
  );
}

function AddressCard({ address, onEdit }: { address: Address; onEdit: () => void }) {
  const remove = useDeleteAddress();
  const save = useSaveAddress();
  const label = addressLine(address);
  return (
    <li className="card">
      <p>
        {label} {address.isDefault ? <span className="badge">Default</span> : null}
      </p>
      {address.phone ? <p className="small muted">Phone {address.phone}</p> : null}
      <div className="row">
        <button type="button" className="button button-secondary" onClick={onEdit} aria-label={`Edit ${label}`}>
          Edit
        </button>
        {!address.isDefault ? (
          <button
            type="button"
            className="button button-secondary"
            disabled={save.isPending}
            onClick={() => save.mutate({ id: address.id, body: { ...toBody(address), isDefault: true } })}
            aria-label={`Make ${label} the default`}
          >
            Make default
          </button>
        ) : null}
        <button
          type="button"
          className="button button-secondary"
          disabled={remove.isPending}
          onClick={() => address.id && remove.mutate(address.id)}
          aria-label={`Delete ${label}`}
        >
          Delete
        </button>
      </div>
      {remove.error || save.error ? (
        <p className="field-error" role="alert">
          {friendlyMessage(remove.error ?? save.error)}
        </p>
      ) : null}
    </li>
  );
}

function toBody(address: Address) {
  return {
    firstName: address.firstName,
    lastName: address.lastName,
    address1: address.address1,
    address2: address.address2 ?? null,
    city: address.city,
    state: address.state ?? null,
    postalCode: address.postalCode,
    country: address.country,
    phone: address.phone ?? null,
    isDefault: address.isDefault ?? false,
  };
}

function toDraft(address: Address | null): AddressDraft {
  if (!address) return EMPTY_ADDRESS;
  return {
    firstName: address.firstName ?? "",
    lastName: address.lastName ?? "",
    address1: address.address1 ?? "",
    address2: address.address2 ?? "",
    city: address.city ?? "",
    state: address.state ?? "",
    postalCode: address.postalCode ?? "",
    country: address.country ?? "US",
    phone: address.phone ?? "",
  };
}

function AddressEditor({ address, onDone }: { address: Address | null; onDone: () => void }) {
  const save = useSaveAddress();
  const toast = useToast();
  const [draft, setDraft] = useState<AddressDraft>(() => toDraft(address));
  const [isDefault, setIsDefault] = useState(address?.isDefault ?? false);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const fields = { ...(save.error instanceof ApiError ? save.error.fields : {}), ...missing };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const empty = missingAddressFields(draft, false);
    setMissing(empty);
    if (Object.keys(empty).length) return;
    const optional = (value: string) => value.trim() || null;
    save.mutate(
      {
        id: address?.id,
        body: {
          firstName: draft.firstName.trim(),
          lastName: draft.lastName.trim(),
          address1: draft.address1.trim(),
          address2: optional(draft.address2),
          city: draft.city.trim(),
          state: optional(draft.state),
          postalCode: draft.postalCode.trim(),
          country: draft.country,
          phone: optional(draft.phone),
          isDefault,
        },
      },
      {
        onSuccess: () => {
          toast(address ? "Address saved." : "Address added.", "success");
          onDone();
        },
      },
    );
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="address-editor-title">
      <h2 id="address-editor-title">{address ? "Edit address" : "New address"}</h2>
      <AddressFields
        value={draft}
        onChange={(field, value) => {
          setMissing(({ [field]: _gone, ...rest }) => rest);
          setDraft((current) => ({ ...current, [field]: value }));
        }}
        errors={fields}
      />
      <label className="checkbox">
        <input type="checkbox" checked={isDefault} onChange={(event) => setIsDefault(event.target.checked)} />
        Use as my default address
      </label>
      {save.error && !(save.error instanceof ApiError && Object.keys(save.error.fields).length) ? <ErrorMessage error={save.error} onRetry={() => submit()} /> : null}
      <div className="row">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save address"}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
