import { useEffect, useState } from "react";
import { ApiError } from "../../shared/errors";

/**
 * The API's field errors of the last attempt, each hidden once its field is edited (so the hint,
 * e.g. the password rules, shows again while the person fixes it).
 */
export function useFieldErrors(error: unknown): [Record<string, string>, (field: string) => void] {
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setEdited(new Set()), [error]);
  const all = error instanceof ApiError ? error.fields : {};
  const shown = Object.fromEntries(Object.entries(all).filter(([field]) => !edited.has(field)));
  const clear = (field: string) => {
    if (field in all && !edited.has(field)) setEdited(new Set([...edited, field]));
  };
  return [shown, clear];
}
