import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../shared/api";
import { formatDateTime, formatMoney } from "../../shared/format";
import { SelectField, TextField } from "../../shared/ui/Field";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { useConfirm } from "../ui/Confirm";
import { FormError, fieldError } from "../ui/FormError";
import { PageHeader } from "../ui/PageHeader";
import { couponBody, couponValues, type Coupon, type CouponValues } from "./couponForm";

const FIELDS = ["code", "description", "type", "percentOff", "amountOff", "currency", "minSubtotal", "startsAt", "endsAt", "usageLimit", "perCustomerLimit", "active"];

export function CouponsPage() {
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Coupon | "new" | null>(null);
  const coupons = useQuery({
    queryKey: ["admin", "coupons", page],
    queryFn: () => unwrap(api.GET("/api/admin/coupons", { params: { query: { page, limit: 20 } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <div className="stack">
      <PageHeader title="Coupons">
        <button type="button" className="button" onClick={() => setEditing("new")}>
          New coupon
        </button>
      </PageHeader>
      {editing ? (
        <CouponEditor key={editing === "new" ? "new" : editing.code} coupon={editing === "new" ? undefined : editing} onDone={() => setEditing(null)} />
      ) : null}
      <QueryState query={coupons} loading="Loading coupons…">
        {(data) =>
          (data.data ?? []).length === 0 ? (
            <Empty title="No coupons yet" />
          ) : (
            <>
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Coupons</caption>
                  <thead>
                    <tr>
                      <th scope="col">Code</th>
                      <th scope="col">Discount</th>
                      <th scope="col">Minimum</th>
                      <th scope="col">Valid</th>
                      <th scope="col" className="num">
                        Used
                      </th>
                      <th scope="col">Active</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {(data.data ?? []).map((coupon) => (
                      <CouponRow key={coupon.code} coupon={coupon} onEdit={() => setEditing(coupon)} />
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={page} totalPages={data.meta?.totalPages ?? 1} onPage={setPage} />
            </>
          )
        }
      </QueryState>
    </div>
  );
}

function CouponRow({ coupon, onEdit }: { coupon: Coupon; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const confirm = useConfirm();
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/admin/coupons/{code}", { params: { path: { code: coupon.code ?? "" } } })),
    onSuccess: () => {
      toast(`Coupon ${coupon.code} deleted`, "success");
      void queryClient.invalidateQueries({ queryKey: ["admin", "coupons"] });
    },
  });
  async function askDelete() {
    const yes = await confirm({
      title: `Delete coupon ${coupon.code}?`,
      body: "Shoppers can no longer use it. A coupon that was redeemed is kept as deleted for the records.",
      confirmLabel: "Delete coupon",
      danger: true,
    });
    if (yes) remove.mutate();
  }
  const currency = coupon.currency ?? "USD";
  return (
    <tr>
      <td>
        <strong className="mono">{coupon.code}</strong>
        {coupon.description ? <div className="small muted">{coupon.description}</div> : null}
        {remove.error ? <ErrorMessage error={remove.error} /> : null}
      </td>
      <td>{coupon.type === "percent" ? `${coupon.percentOff}% off` : `${formatMoney(String(coupon.amountOff ?? ""), currency)} off`}</td>
      <td>{coupon.minSubtotal && Number(coupon.minSubtotal) > 0 ? formatMoney(coupon.minSubtotal, currency) : "None"}</td>
      <td className="small">
        {coupon.startsAt ? `From ${formatDateTime(coupon.startsAt)}` : "From now"}
        <br />
        {coupon.endsAt ? `until ${formatDateTime(coupon.endsAt)}` : "no end"}
      </td>
      <td className="num">
        {coupon.timesUsed ?? 0}
        {coupon.usageLimit ? ` / ${coupon.usageLimit}` : ""}
      </td>
      <td>{coupon.active ? "Yes" : "No"}</td>
      <td>
        <div className="actions">
          <button type="button" className="button-link" onClick={onEdit} aria-label={`Edit coupon ${coupon.code}`}>
            Edit
          </button>
          <button type="button" className="button-link" onClick={() => void askDelete()} aria-label={`Delete coupon ${coupon.code}`}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

function CouponEditor({ coupon, onDone }: { coupon?: Coupon; onDone: () => void }) {
  const [values, setValues] = useState<CouponValues>(couponValues(coupon));
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: () => {
      const body = couponBody(values);
      if (!coupon) return unwrap(api.POST("/api/admin/coupons", { body }));
      const { code: _code, ...changes } = body;
      return unwrap(api.PUT("/api/admin/coupons/{code}", { params: { path: { code: coupon.code ?? "" } }, body: changes }));
    },
    onSuccess: (saved) => {
      toast(`Coupon ${saved.code} saved`, "success");
      void queryClient.invalidateQueries({ queryKey: ["admin", "coupons"] });
      onDone();
    },
  });
  function set<K extends keyof CouponValues>(key: K, value: CouponValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  const error = save.error;
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="coupon-form-heading">
      <h2 id="coupon-form-heading">{coupon ? `Edit coupon ${coupon.code}` : "New coupon"}</h2>
      <FormError error={error} fields={FIELDS} />
      <div className="form-grid">
        <TextField label="Code" required disabled={Boolean(coupon)} value={values.code} onChange={(event) => set("code", event.target.value)} error={fieldError(error, "code")} />
        <TextField label="Description" value={values.description} onChange={(event) => set("description", event.target.value)} error={fieldError(error, "description")} />
        <SelectField label="Type" value={values.type} onChange={(event) => set("type", event.target.value as CouponValues["type"])} error={fieldError(error, "type")}>
          <option value="percent">Percent off</option>
          <option value="fixed">Fixed amount off</option>
        </SelectField>
        {values.type === "percent" ? (
          <TextField label="Percent off" type="number" min={1} max={100} inputMode="numeric" required value={values.percentOff} onChange={(event) => set("percentOff", event.target.value)} error={fieldError(error, "percentOff")} />
        ) : (
          <TextField label="Amount off" inputMode="decimal" required value={values.amountOff} onChange={(event) => set("amountOff", event.target.value)} error={fieldError(error, "amountOff")} hint="For example 10.00" />
        )}
        <TextField label="Currency" maxLength={3} value={values.currency} onChange={(event) => set("currency", event.target.value)} error={fieldError(error, "currency")} />
        <TextField label="Minimum subtotal" inputMode="decimal" value={values.minSubtotal} onChange={(event) => set("minSubtotal", event.target.value)} error={fieldError(error, "minSubtotal")} hint="Optional" />
        <TextField label="Valid from" type="datetime-local" value={values.startsAt} onChange={(event) => set("startsAt", event.target.value)} error={fieldError(error, "startsAt")} hint="Optional" />
        <TextField label="Valid until" type="datetime-local" value={values.endsAt} onChange={(event) => set("endsAt", event.target.value)} error={fieldError(error, "endsAt")} hint="Optional" />
        <TextField label="Uses in total" type="number" min={1} inputMode="numeric" value={values.usageLimit} onChange={(event) => set("usageLimit", event.target.value)} error={fieldError(error, "usageLimit")} hint="Blank: no limit" />
        <TextField label="Uses per customer" type="number" min={1} inputMode="numeric" value={values.perCustomerLimit} onChange={(event) => set("perCustomerLimit", event.target.value)} error={fieldError(error, "perCustomerLimit")} hint="Blank: no limit" />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={values.active} onChange={(event) => set("active", event.target.checked)} />
        Active
      </label>
      <div className="form-actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? "Saving…" : coupon ? "Save coupon" : "Create coupon"}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
