// How the shop takes payment (GET /api/payments/config), placing the order once per attempt, and
// paying with the simulated provider's test cards.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type components } from "../../shared/api";
import type { Order } from "../account/account";

export type PaymentConfig = components["schemas"]["PaymentConfig"];

export function usePaymentConfig() {
  return useQuery({
    queryKey: ["payments", "config"],
    queryFn: () => unwrap(api.GET("/api/payments/config")),
    staleTime: 10 * 60_000,
  });
}

export type PlaceOrderBody = components["schemas"]["PlaceOrderBody"];

/** POST /api/orders with the attempt's Idempotency-Key: a retry returns the first order. */
export function placeOrder(body: PlaceOrderBody, idempotencyKey: string): Promise<Order> {
  return unwrap(
    api.POST("/api/orders", { body, headers: { "Idempotency-Key": idempotencyKey } }),
  );
}

/** Pay an order's intent with a card number (simulated provider); declined cards throw. */
export function confirmCard(intentId: string, cardNumber: string, idempotencyKey: string) {
  return unwrap(
    api.POST("/api/payments/confirm", {
      body: { intentId, cardNumber: cardNumber.replace(/[\s-]/g, "") },
      headers: { "Idempotency-Key": idempotencyKey },
    }),
  );
}

const OUTCOMES: Record<string, string> = {
  succeeded: "pays",
  card_declined: "is declined",
  insufficient_funds: "is declined for insufficient funds",
};

export function describeTestCard(number: string | undefined, outcome: string | undefined): string {
  const groups = (number ?? "").replace(/(\d{4})(?=\d)/g, "$1 ");
  return `${groups} ${OUTCOMES[outcome ?? ""] ?? `gives ${outcome ?? "an unknown outcome"}`}`;
}

/** What a payment failure reason means to the shopper. */
export function paymentFailureMessage(reason: string | null | undefined): string {
  switch (reason) {
    case "card_declined":
      return "Your card was declined.";
    case "insufficient_funds":
      return "Your card was declined: insufficient funds.";
    case "expired_card":
      return "Your card has expired.";
    default:
      return "The payment did not go through.";
  }
}
