import { formatMoney } from "../../shared/format";

/** The price, and the compare-at price struck through when the product is reduced. */
export function Price({
  price,
  compareAt,
  currency,
  large = false,
}: {
  price?: string;
  compareAt?: string | null;
  currency?: string;
  large?: boolean;
}) {
  // "reduced" is the API's two figures side by side; the browser does no arithmetic on them
  const reduced = Boolean(compareAt) && compareAt !== price;
  return (
    <p className={large ? "product-price product-price-large" : "product-price"}>
      {reduced ? <span className="visually-hidden">Now </span> : null}
      <span className="price">{formatMoney(price, currency)}</span>
      {reduced ? (
        <>
          <span className="visually-hidden">, was </span>
          <s className="price-was">{formatMoney(compareAt, currency)}</s>
        </>
      ) : null}
    </p>
  );
}
