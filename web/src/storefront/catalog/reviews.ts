// The rating distribution as bars: the counts come from the API's summary; only the bar widths
// (shares of the count) are worked out here.

export interface StarShare {
  stars: number;
  count: number;
  percent: number;
}

/** Five rows, 5 stars first, with each row's share of all reviews in whole percent. */
export function starShares(
  distribution: Record<string, number> | undefined,
  total: number | undefined,
): StarShare[] {
  const rows: StarShare[] = [];
  const sum = total || Object.values(distribution ?? {}).reduce((a, b) => a + b, 0);
  for (let stars = 5; stars >= 1; stars -= 1) {
    const count = distribution?.[String(stars)] ?? 0;
    rows.push({ stars, count, percent: sum ? Math.round((count / sum) * 100) : 0 });
  }
  return rows;
}
