import { ApiError } from "../../shared/errors";
import { ErrorMessage } from "../../shared/ui/Status";

/** A failed save: the message, unless every problem is already shown next to its field. */
export function FormError({ error, fields }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && fields) {
    const named = Object.keys(error.fields);
    if (named.length > 0 && named.every((name) => fields.includes(name))) {
      return (
        <p className="notice notice-error" role="alert">
          Please correct the fields marked below.
        </p>
      );
    }
  }
  return <ErrorMessage error={error} />;
}

/** The API's message for one field, if any (keys are the JSON names, e.g. "compareAtPrice"). */
export function fieldError(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.fields[name] : undefined;
}
